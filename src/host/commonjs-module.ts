// The CommonJS bundles' stand-in for node:module (dist/cli.cjs, dist/cli-main.cjs and
// dist/compile-worker.cjs; aliased by scripts/build.mjs). Their code runs as CommonJS, where
// `require` is at hand, and every `createRequire` of theirs asks for Node built-ins or for files
// beside the bundle, which that `require` resolves alike. Loading node:module itself cost every
// `mipsjit run` ~3 ms: it brings in Node's ES module loader and its source-map support, whose
// functions V8 then compiles from source (`--log-function-events`: 7.4 against 3.9 ms of lazy
// compiling in a script that only requires it; bench/RESULTS.md).

/** This bundle's own `require` (whatever `from` is: see above). */
export function createRequire(_from: string | URL): NodeJS.Require {
  return require;
}
