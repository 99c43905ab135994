// The CommonJS bundles' stand-in for node:module (aliased by scripts/build.mjs; of them only
// dist/cli-main.cjs asks for it, through src/host/node-builtins.ts). Their code runs as CommonJS, where
// `require` is at hand, and every `createRequire` of theirs asks for Node built-ins or for files
// beside the bundle, which that `require` resolves alike. Loading node:module itself brings in
// Node's ES module loader and its source-map support, whose functions V8 then compiles from source
// at every run: a script that only requires node:module compiled for 7.4 ms against 3.9 without
// it (`--log-function-events`, the log's own cost included; bench/RESULTS.md).

/** This bundle's own `require` (whatever `from` is: see above). */
export function createRequire(_from: string | URL): NodeJS.Require {
  return require;
}
