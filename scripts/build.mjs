// Builds dist/ with esbuild (and the type declarations with tsc):
//   dist/cli.cjs            the Node command line: src/cli-launch.ts (after LAUNCHER_PROLOGUE), which runs
//   dist/cli-main.cjs       src/cli.ts as CommonJS through node:vm with V8's code cache
//   dist/cli-boot.cjs       src/boot-command.ts (the Malta board, the system-mode engine), which
//                           dist/cli-main.cjs requires for `mipsjit boot` only
//   dist/compile-worker.cjs the JIT's compiler thread in Node, started from dist/ by the two Node entries
//                           (CommonJS: a worker thread boots ~40 ms sooner than with an ES module here)
//   dist/mipsjit.js         the ESM library for Node (exports "node" / "default")
//   dist/browser/mipsjit.js the ESM library for browsers (exports "browser"): no Node built-ins;
//                           node:fs is an in-memory file system and node:os/crypto/tty/path/module small
//                           stand-ins (src/browser/), Buffer/process/setImmediate injected
//   dist/types/             .d.ts files from tsc (exports "types")
// binaryen (14 MB) stays a runtime dependency, imported lazily when code first gets hot.
// Usage: node scripts/build.mjs [--no-types]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inlineFieldsPlugin } from './inline-fields.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Every bundle writes the instruction field extractors out (scripts/inline-fields.mjs).
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', external: ['binaryen'], plugins: [inlineFieldsPlugin] };

/** The stand-ins for Node built-ins in the browser build (src/browser/). */
export const BROWSER_ALIASES = {
  'node:fs': 'src/browser/node-fs.ts',
  'node:os': 'src/browser/node-os.ts',
  'node:crypto': 'src/browser/node-crypto.ts',
  'node:tty': 'src/browser/node-tty.ts',
  'node:path': 'src/browser/node-path.ts',
  'node:worker_threads': 'src/browser/node-worker-threads.ts',
  'node:v8': 'src/browser/node-v8.ts',
  'node:module': 'src/browser/node-module.ts',
};

/**
 * The CommonJS bundles take node:module from src/host/commonjs-module.ts: their own `require`
 * does what they ask of createRequire, and loading node:module made every run compile Node's ES
 * module loader.
 */
const commonJsModule = {
  name: 'mipsjit-commonjs-module',
  setup(builder) {
    builder.onResolve({ filter: /^node:module$/ }, () => ({ path: path.join(root, 'src/host/commonjs-module.ts') }));
  },
};

/** esbuild options for code that runs in a browser (also used by web/build.mjs). */
export function browserOptions() {
  return {
    platform: 'browser',
    plugins: [
      inlineFieldsPlugin,
      {
        name: 'mipsjit-browser-builtins',
        setup(builder) {
          builder.onResolve({ filter: /^node:/ }, (args) => {
            const target = BROWSER_ALIASES[args.path];
            if (target === undefined) return { errors: [{ text: `${args.path} has no browser stand-in (scripts/build.mjs BROWSER_ALIASES)` }] };
            return { path: path.join(root, target) };
          });
        },
      },
    ],
    inject: [path.join(root, 'src/browser/globals.ts')],
  };
}

/**
 * src/cli.ts imports src/boot-command.ts (`mipsjit boot`) only when it boots: in dist/cli-main.cjs
 * that import is dist/cli-boot.cjs, built apart, so that every `mipsjit run` reads, and sets up,
 * 335 KB of code instead of 470. Wall ms, medians (first quartiles) of 31 interleaved rounds:
 * busybox true 118.2 (116.4) -> 115.6 (113.6), hello-default 137.2 (131.6) -> 132.1 (128.4),
 * CoreMark 700 with its code cached 215.4 (211.4) -> 211.3 (206.6).
 */
const bootApart = {
  name: 'mipsjit-boot-apart',
  setup(builder) {
    // A module of its own that requires the other bundle (an import() left in the bundle would
    // need a loader node:vm's script does not have).
    builder.onResolve({ filter: /^\.\/boot-command\.js$/ }, (args) => (args.importer.endsWith(path.join('src', 'cli.ts')) ? { path: 'cli-boot', namespace: 'boot-apart' } : undefined));
    builder.onLoad({ filter: /.*/, namespace: 'boot-apart' }, () => ({ contents: "module.exports = require('./cli-boot.cjs');", loader: 'js' }));
    builder.onResolve({ filter: /^\.\/cli-boot\.cjs$/ }, () => ({ path: './cli-boot.cjs', external: true }));
  },
};

/** Stands for the build id (src/build-id.ts) in dist/cli-main.cjs until the id is known. */
const BUILD_ID_PLACEHOLDER = 'b'.repeat(32);

/**
 * Builds a CommonJS bundle for Node of `entry` with the build id `buildId`, in which
 * import.meta.url is the bundle's own URL, made from its path when first asked for (node:url's
 * pathToFileURL at every start cost the CLI ~0.4 ms of V8 compiling Node's URL code).
 */
function buildCommonJs(entry, outfile, buildId, { wrapped = false, prologue = '', plugins = [] } = {}) {
  const banner = `${prologue}const bundleLocation = { get url() { return require('node:url').pathToFileURL(__filename).href; } };`;
  return build({
    ...common,
    // Node reads and decodes the whole bundle on every run before V8 takes its code cache: without
    // its whitespace (663 -> 442 KB; names kept, and the source map) hello-default's first run took
    // ~2.5 ms less (86 -> 83 ms wall, eleven interleaved runs).
    minifyWhitespace: true,
    format: 'cjs',
    entryPoints: [entry],
    outfile,
    platform: 'node',
    plugins: [...plugins, commonJsModule, inlineFieldsPlugin],
    define: { 'import.meta.url': 'bundleLocation.url', __MIPSJIT_BUILD_ID__: JSON.stringify(buildId) },
    // `wrapped`: the bundle is the text of a CommonJS module function, `(function (exports,
    // require, module, __filename, __dirname) {...})`, which the launcher compiles as it is
    // (src/cli-launch.ts). Wrapping it there at every run made V8 copy the joined 463 KB string
    // flat before compiling it: 11.5 -> 9.8 ms from reading the bundle to a compiled script,
    // medians of six runs each here.
    banner: { js: wrapped ? `${COMMONJS_WRAPPER_START}${banner}` : banner },
    ...(wrapped ? { footer: { js: COMMONJS_WRAPPER_END } } : {}),
  });
}

/**
 * Builds `entry` into `outfile` as an ES module for Node, as dist/mipsjit.js is built (and the
 * engine bundle of the tests, test/global-setup.ts).
 */
export function buildNodeModule(entry, outfile) {
  return build({ ...common, entryPoints: [entry], outfile, platform: 'node' });
}

/** Where the launcher keeps NODE_EXTRA_CA_CERTS while Node starts (the same name in src/cli-launch.ts). */
const MOVED_EXTRA_CA_CERTS = 'MIPSJIT_NODE_EXTRA_CA_CERTS';

/**
 * The first lines of dist/cli.cjs, the `mipsjit` command. Run as a program, it is a shell script
 * that starts Node on the same file with `--v8-pool-size=0`; Node, reading the same lines, skips
 * the `#!` line and takes the second as a string statement and a comment. Node gives V8 four
 * background threads whatever the machine; on two cores their work (TurboFan, the GC) took time
 * from the guest's thread, and 0 sizes the pool by the cores. Executed as it is, first runs
 * (guest ms, medians of nine interleaved rounds, `#!/usr/bin/env node` / this / `node
 * --v8-pool-size=0 dist/cli.cjs`): CoreMark 700 226 / 168 / 170, callbench 3 243 / 183 / 189.
 * A `#!/usr/bin/env -S node --v8-pool-size=0` line would fail where `env` has no -S (BusyBox),
 * and the launcher starting Node again cost ~25 ms; `sh` starts in ~1 ms. `node dist/cli.cjs`
 * runs with the flags it is given.
 *
 * The script also moves NODE_EXTRA_CA_CERTS aside (to MOVED_EXTRA_CA_CERTS) for Node's start: Node
 * parses the certificates it names before any script runs, and mipsjit makes no TLS connection.
 * With Debian's bundle set there, busybox true took 161 ms against 122 without, CoreMark 700 256
 * against 219 (medians of 15 interleaved). src/cli-launch.ts puts it back for the guest.
 *
 * And it lists, in INHERITED_FDS, the descriptors above 2 its caller passed (`mipsjit run prog
 * 3<file`): those not close-on-exec in /proc/$$/fdinfo. Node marks every descriptor it finds
 * close-on-exec at its start, so only the shell can tell them from Node's own; src/cli.ts lends
 * them to the guest under the same numbers, as qemu-mipsel's guest has them. Likewise it passes the
 * signals its caller left ignored (SigIgn in /proc/$$/status: nohup, a background job, `trap ''`)
 * in IGNORED_SIGNALS, as Node sets them back to their defaults at start; the guest starts with
 * them ignored. And it names, in CLOSED_STDIO, which of 0, 1 and 2 its caller closed (`prog <&-`),
 * which Node opens on /dev/null at start; they stay closed for the guest.
 */
// src/cli.ts (takeLauncherVariable) reads these three by name.
const INHERITED_FDS = 'MIPSJIT_INHERITED_FDS';
const CLOSED_STDIO = 'MIPSJIT_CLOSED_STDIO';
const IGNORED_SIGNALS = 'MIPSJIT_IGNORED_SIGNALS';
/** The `sh` words that set IGNORED_SIGNALS to the SigIgn mask (hex, bit N-1 for host signal N). */
const LIST_IGNORED_SIGNALS =
  `if [ -r /proc/$$/status ]; then while read -r key value; do [ "$key" = SigIgn: ] && ${IGNORED_SIGNALS}=$value && export ${IGNORED_SIGNALS} && break; done < /proc/$$/status; fi; `;
/** The `sh` words that set INHERITED_FDS (O_CLOEXEC is 0o2000000, 524288; fdinfo's flags are octal) and CLOSED_STDIO. */
const LIST_DESCRIPTORS =
  `inherited=; for f in /proc/$$/fd/*; do n=\${f##*/}; [ "$n" -gt 2 ] 2>/dev/null && [ -r "/proc/$$/fdinfo/$n" ] || continue; flags=; ` +
  `while read -r key value; do [ "$key" = flags: ] && flags=$value && break; done < "/proc/$$/fdinfo/$n"; ` +
  `[ -n "$flags" ] && [ $((flags & 524288)) -eq 0 ] && inherited="$inherited $n"; done; ${INHERITED_FDS}=$inherited; export ${INHERITED_FDS}; ` +
  `if [ -d /proc/$$/fd ]; then closed=; for n in 0 1 2; do [ -e /proc/$$/fd/$n ] || closed="$closed $n"; done; ${CLOSED_STDIO}=$closed; export ${CLOSED_STDIO}; fi; `;
const LAUNCHER_PROLOGUE =
  `#!/bin/sh\n':' //; if [ -n "\${NODE_EXTRA_CA_CERTS+set}" ]; then ${MOVED_EXTRA_CA_CERTS}=$NODE_EXTRA_CA_CERTS; export ${MOVED_EXTRA_CA_CERTS}; unset NODE_EXTRA_CA_CERTS; fi; ` +
  LIST_DESCRIPTORS +
  LIST_IGNORED_SIGNALS +
  `exec node --v8-pool-size=0 "$0" "$@"\n`;

/** The text around a CommonJS module's code that makes it a function of Node's module arguments. */
const COMMONJS_WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const COMMONJS_WRAPPER_END = '\n})';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.chdir(root);
  rmSync('dist', { recursive: true, force: true });
  // CommonJS: node:vm compiles scripts, not modules.
  await buildCommonJs('src/cli.ts', 'dist/cli-main.cjs', BUILD_ID_PLACEHOLDER, { wrapped: true, plugins: [bootApart] });
  await build({ ...common, format: 'cjs', entryPoints: ['codegen/compile-worker.ts'], outfile: 'dist/compile-worker.cjs', platform: 'node', plugins: [commonJsModule, inlineFieldsPlugin] });
  // The build id: a hash of both bundles (the main one with the placeholder), written over the
  // placeholder (same length: the source map stays right) and into the launcher.
  const main = readFileSync('dist/cli-main.cjs', 'utf8');
  if (!main.includes(BUILD_ID_PLACEHOLDER)) throw new Error('dist/cli-main.cjs: no build id placeholder (src/build-id.ts)');
  const buildId = createHash('sha256').update(main).update(readFileSync('dist/compile-worker.cjs')).digest('hex').slice(0, 32);
  writeFileSync('dist/cli-main.cjs', main.replaceAll(BUILD_ID_PLACEHOLDER, buildId));
  // CommonJS too: Node reached a CommonJS entry's first line ~10 ms sooner than an ES module's here.
  await buildCommonJs('src/cli-launch.ts', 'dist/cli.cjs', buildId, { prologue: LAUNCHER_PROLOGUE });
  await buildCommonJs('src/boot-command.ts', 'dist/cli-boot.cjs', buildId);
  chmodSync('dist/cli.cjs', 0o755);
  await buildNodeModule('src/index.ts', 'dist/mipsjit.js');
  await build({ ...common, ...browserOptions(), entryPoints: ['src/index.ts'], outfile: 'dist/browser/mipsjit.js' });
  if (!process.argv.includes('--no-types')) {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
}
