// The browser's stand-in for node:tty (aliased by scripts/build.mjs): no host descriptor is a terminal.

export const isatty = (_fd: number): boolean => false;

export default { isatty };
