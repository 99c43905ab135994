// Builds the demo page's scripts into web/dist/ with esbuild: main.js (+ main.css with xterm's
// styles) for the page, worker.js for the emulator (the library's browser build options:
// in-memory files, no Node built-ins) with binaryen split into a chunk loaded when code gets
// hot, and the bundled guest programs under dist/programs/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserOptions } from '../scripts/build.mjs';

const web = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(web, '..');
const out = path.join(web, 'dist');
rmSync(out, { recursive: true, force: true });

const browser = browserOptions();
await build({
  entryPoints: [path.join(web, 'main.ts'), path.join(web, 'worker.ts')],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: false, // binaryen's map alone is 33 MB
  logLevel: 'warning',
  ...browser,
  // binaryen has a Node-only branch (`import("node:module")`) that a browser never takes.
  plugins: [{ name: 'binaryen-node-branch', setup: (builder) => builder.onResolve({ filter: /^node:module$/ }, () => ({ path: 'node:module', external: true })) }, ...browser.plugins],
});

mkdirSync(path.join(out, 'programs'));
copyFileSync(path.join(root, 'bench/guest/cpubench'), path.join(out, 'programs/cpubench'));
copyFileSync(path.join(root, 'bench/guest/hello-default'), path.join(out, 'programs/hello'));
