// Builds dist/ with esbuild: dist/cli.js (the Node command line, bundled) and dist/mipsjit.js
// (the ESM library for Node and browsers: no Node built-ins).
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});

await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/mipsjit.js',
  platform: 'neutral',
});
