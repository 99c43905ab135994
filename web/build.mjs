// Builds the demo page's scripts into web/dist/ with esbuild: main.js (+ main.css with xterm's
// styles) for the page, worker.js for the emulator (the library's browser build options:
// in-memory files, no Node built-ins) with binaryen split into a chunk loaded when code gets
// hot, the bundled guest programs under dist/programs/, and for the "boot Linux" mode Debian's
// 4kc-malta kernel and static busybox under dist/linux/ when they are in .cache/ (with
// --fetch-linux, test/board/malta-kernel.sh and test/guest/busybox.sh fetch them first).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
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
  // binaryen has a Node-only branch (`import("node:module")`) that a browser never takes; the
  // emulator's static import of node:module (src/host/node-builtins.ts) gets its stand-in.
  plugins: [
    {
      name: 'binaryen-node-branch',
      setup: (builder) => builder.onResolve({ filter: /^node:module$/ }, (args) => (args.kind === 'dynamic-import' ? { path: 'node:module', external: true } : undefined)),
    },
    ...browser.plugins,
  ],
});

mkdirSync(path.join(out, 'programs'));
copyFileSync(path.join(root, 'bench/guest/cpubench'), path.join(out, 'programs/cpubench'));
copyFileSync(path.join(root, 'bench/guest/hello-default'), path.join(out, 'programs/hello'));

/** The file a fetch script prints (its last line), or undefined; with fetch false only a cached one. */
function fetched(script, fetch) {
  if (!fetch) {
    const cached = { 'test/board/malta-kernel.sh': '.cache/malta-kernel/root/boot', 'test/guest/busybox.sh': '.cache/busybox/root/bin' }[script];
    try {
      execFileSync('bash', ['-c', `ls "${path.join(root, cached)}"/vmlinuz-*-4kc-malta "${path.join(root, cached)}"/busybox 2>/dev/null | head -1 | grep .`], { stdio: 'pipe' });
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync('bash', [path.join(root, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop() || undefined;
  } catch {
    return undefined;
  }
}

const fetch = process.argv.includes('--fetch-linux');
const kernel = fetched('test/board/malta-kernel.sh', fetch);
const busybox = fetched('test/guest/busybox.sh', fetch);
if (kernel !== undefined && busybox !== undefined) {
  mkdirSync(path.join(out, 'linux'));
  copyFileSync(kernel, path.join(out, 'linux/vmlinuz'));
  copyFileSync(busybox, path.join(out, 'linux/busybox'));
} else if (fetch) {
  process.stderr.write('web/build.mjs: Debian\'s Malta kernel or busybox could not be fetched; "boot Linux" needs a kernel and an initramfs picked on the page\n');
}
