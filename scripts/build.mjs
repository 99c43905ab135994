// Builds dist/ with esbuild: dist/cli.js (the Node command line, bundled; src/cli.ts carries the #! line) and dist/mipsjit.js
// (the ESM library for Node and browsers: no Node built-ins).
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  platform: 'node',
  // binaryen (14 MB) stays a runtime dependency, imported lazily when code first gets hot.
  external: ['binaryen'],
});

// The JIT's compiler thread, started by dist/cli.js from the same directory.
await build({
  ...common,
  entryPoints: ['codegen/compile-worker.ts'],
  outfile: 'dist/compile-worker.js',
  platform: 'node',
  external: ['binaryen'],
});

await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/mipsjit.js',
  platform: 'neutral',
  external: ['binaryen'],
});
