// The npm package as a user gets it: `npm pack` (types emitted by tsc, dist/ built by the global
// setup), the tarball unpacked into a fresh project's node_modules (offline: binaryen and
// @types/node are linked from this checkout), the README's two API examples type-checked as a
// consumer's files against the package's .d.ts and run with Node, and the browser entry bundled
// by esbuild under the `browser` condition with no Node built-in left in it, and (with Chromium)
// a page's Worker bundled from the installed package running the user-mode example's program; and
// the installed `mipsjit` bin run as a program, as npm links it.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hasChromium, launchChromium } from '../web/chromium.mjs';
import { startServer } from '../web/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
let project = '';
let packed: string[] = [];

function example(name: string): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- example: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no ${name} example`);
  return match[1]!;
}

beforeAll(() => {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root });
  project = mkdtempSync(path.join(os.tmpdir(), 'mipsjit-consumer-'));
  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } }),
  ) as { filename: string; files: { path: string }[] }[];
  packed = report!.files.map((file) => file.path);
  const installed = path.join(project, 'node_modules/mipsjit');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', path.join(project, report!.filename), '-C', installed, '--strip-components=1']);
  mkdirSync(path.join(project, 'node_modules/@types'));
  symlinkSync(path.join(root, 'node_modules/binaryen'), path.join(project, 'node_modules/binaryen'));
  symlinkSync(path.join(root, 'node_modules/@types/node'), path.join(project, 'node_modules/@types/node'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], outDir: 'out', lib: ['ES2022', 'DOM'] };
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test('npm pack ships the built library, its types and the CLI, and no sources, tests or maps', () => {
  for (const file of ['package.json', 'README.md', 'dist/mipsjit.js', 'dist/browser/mipsjit.js', 'dist/cli.cjs', 'dist/cli-main.cjs', 'dist/cli-boot.cjs', 'dist/compile-worker.cjs', 'dist/types/src/index.d.ts']) {
    expect(packed).toContain(file);
  }
  expect(packed.filter((file) => !file.startsWith('dist/') && file !== 'package.json' && file !== 'README.md')).toEqual([]);
  expect(packed.filter((file) => file.endsWith('.map'))).toEqual([]);
});

test("the README's examples type-check against the package and run in Node", () => {
  writeFileSync(path.join(project, 'system-mode.ts'), example('system-mode'));
  writeFileSync(path.join(project, 'user-mode.ts'), example('user-mode'));
  // A wrong call must not type-check: the declarations are real types, not `any`.
  writeFileSync(path.join(project, 'wrong.ts'), "import { runLinuxProgram } from 'mipsjit';\nawait runLinuxProgram({ program: 'not bytes', engine: 'fast' });\n");
  let errors = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' });
  } catch (error) {
    errors = String((error as { stdout?: string }).stdout);
  }
  expect(errors.split('\n').filter((line) => /error TS/.test(line) && !line.startsWith('wrong.ts'))).toEqual([]);
  expect(errors).toMatch(/wrong\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'Uint8Array/);

  const system = execFileSync(process.execPath, [path.join(project, 'out/system-mode.js')], { cwd: root, encoding: 'utf8' });
  expect(system).toBe('max VCPUs 8\nhi 42 400004\n');
  // The same program under qemu-mipsel would print the same; the CLI (the reference here) does.
  const cli = execFileSync(process.execPath, [path.join(root, 'dist/cli.cjs'), 'run', 'bench/guest/hello-default', 'one', 'two'], { cwd: root, encoding: 'utf8' });
  const user = execFileSync(process.execPath, [path.join(project, 'out/user-mode.js')], { cwd: root, encoding: 'utf8' });
  expect(user).toBe(`${cli}0 true\n`);
}, 120_000);

test('the installed `mipsjit` command runs as a program and starts Node with --v8-pool-size=0, without NODE_EXTRA_CA_CERTS', () => {
  // As npm links a package's bin: node_modules/.bin/mipsjit -> ../mipsjit/dist/cli.cjs.
  const bin = path.join(project, 'node_modules/.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync('../mipsjit/dist/cli.cjs', path.join(bin, 'mipsjit'));
  // Preloaded before the command's own code: Node's flags and NODE_EXTRA_CA_CERTS as Node started,
  // and NODE_EXTRA_CA_CERTS as the guest's environment is taken (process.env at exit).
  const preload = path.join(project, 'exec-argv.cjs');
  writeFileSync(
    preload,
    'const certs = () => JSON.stringify(process.env.NODE_EXTRA_CA_CERTS ?? null);\n' +
      'process.stderr.write(`execArgv ${JSON.stringify(process.execArgv)} certs at start ${certs()}\\n`);\n' +
      "process.on('exit', () => process.stderr.write(`certs at exit ${certs()}\\n`));\n",
  );
  const program = path.join(root, 'bench/guest/hello-default');
  const { NODE_EXTRA_CA_CERTS: _certs, ...environment } = process.env;
  const run = (extra: Record<string, string>) =>
    spawnSync(path.join(bin, 'mipsjit'), ['run', program, 'one', 'two'], { cwd: project, encoding: 'utf8', env: { ...environment, ...extra, NODE_OPTIONS: `--require ${preload}` } });
  const cli = execFileSync(process.execPath, [path.join(root, 'dist/cli.cjs'), 'run', program, 'one', 'two'], { cwd: root, encoding: 'utf8' });
  const plain = run({});
  expect(plain.error).toBeUndefined();
  expect(plain.status).toBe(0);
  expect(plain.stderr).toContain('execArgv ["--v8-pool-size=0"] certs at start null');
  expect(plain.stderr).toContain('certs at exit null');
  expect(plain.stdout).toBe(cli);
  // Set (even to a file that is not there): Node starts without it, the guest's environment has it.
  const withCerts = run({ NODE_EXTRA_CA_CERTS: '/no/such/certificates.pem' });
  expect(withCerts.status).toBe(0);
  expect(withCerts.stderr).toContain('execArgv ["--v8-pool-size=0"] certs at start null');
  expect(withCerts.stderr).toContain('certs at exit "/no/such/certificates.pem"');
  expect(withCerts.stderr).not.toContain('Ignoring extra certs');
  expect(withCerts.stdout).toBe(cli);
});

test("a bundler's browser build of a consumer takes dist/browser and keeps no Node built-in", async () => {
  writeFileSync(path.join(project, 'page.js'), "import { createVm, runLinuxProgram } from 'mipsjit';\nconsole.log(createVm, runLinuxProgram);\n");
  const result = await build({
    entryPoints: [path.join(project, 'page.js')],
    absWorkingDir: project,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    external: ['binaryen'],
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs).toContain('node_modules/mipsjit/dist/browser/mipsjit.js');
  expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
  expect(result.outputFiles[0]!.text).not.toMatch(/from ["']node:|require\(["']node:/);
});

test.skipIf(!hasChromium)('in a page: a Worker bundled from the installed package runs a program (no cross-origin isolation)', async () => {
  const www = path.join(project, 'www');
  mkdirSync(www);
  writeFileSync(
    path.join(project, 'worker.js'),
    `import { runLinuxProgram } from 'mipsjit';
onmessage = async (event) => {
  const result = await runLinuxProgram({ program: event.data, args: ['one', 'two'], engine: 'jit' });
  postMessage({ exitStatus: result.exitStatus, stdout: new TextDecoder().decode(result.stdout) });
};
`,
  );
  writeFileSync(path.join(www, 'index.html'), '<!doctype html><title>consumer</title>');
  // What a user's esbuild build needs: binaryen's Node-only branch (import("node:module")) left out.
  await build({ entryPoints: [path.join(project, 'worker.js')], absWorkingDir: project, outdir: www, bundle: true, splitting: true, format: 'esm', platform: 'browser', external: ['node:module'], logLevel: 'silent' });
  copyFileSync(path.join(root, 'bench/guest/hello-default'), path.join(www, 'hello'));
  const cli = execFileSync(process.execPath, [path.join(root, 'dist/cli.cjs'), 'run', 'bench/guest/hello-default', 'one', 'two'], { cwd: root, encoding: 'utf8' });
  const { server, url } = await startServer(0, www);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    const result = await page.evaluate(async () => {
      const program = new Uint8Array(await (await fetch('hello')).arrayBuffer());
      const worker = new Worker('worker.js', { type: 'module' });
      return new Promise<{ exitStatus: number; stdout: string }>((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage(program);
      });
    });
    expect(result).toEqual({ exitStatus: 0, stdout: cli });
  } finally {
    await browser.close();
    server.close();
  }
}, 120_000);
