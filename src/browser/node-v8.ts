// The browser's stand-in for node:v8 (aliased by scripts/build.mjs): a page cannot set its
// engine's flags, so codegen/v8-tiering.ts leaves the browser's Wasm tiering as it is.

export function setFlagsFromString(_flags: string): void {}

export default { setFlagsFromString };
