// `npm run bench:browser`: what the browser costs. The same guest workloads, in one run, under
// both engines in Node (runLinuxProgram from dist/mipsjit.js, the JIT compiling on a worker
// thread as the CLI does) and in Chromium (the demo page's Web Worker running the browser build,
// the JIT compiling on that worker's thread), one run each. Prints guest MIPS (from the
// emulator's own instruction count and run time) and Chromium's rate as a share of Node's.
// Needs /usr/bin/chromium (Debian's chromium package).
//
// A third Node column runs the JIT the browser's way (compiling inline, binaryen loaded before the
// run), to tell the browser's cost from the compiler's placement.
//
// Usage: node bench/browser.mjs [workload-name...]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { hasChromium, launchChromium } = await import('../web/chromium.mjs');
if (!hasChromium) {
  process.stderr.write('bench/browser.mjs: /usr/bin/chromium is missing (apt-get install chromium)\n');
  process.exit(2);
}
execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--no-types'], { stdio: 'inherit' });
execFileSync(process.execPath, [path.join(root, 'web/build.mjs')], { stdio: 'inherit' });
const { runLinuxProgram } = await import('../dist/mipsjit.js');
const { startServer } = await import('../web/serve.mjs');

// cpubench's kernels, each long enough for the JIT to matter; 'program' names a bundled demo program.
const WORKLOADS = [
  { name: 'cpubench 1 sieve', program: 'cpubench', args: ['1', 'sieve'] },
  { name: 'cpubench 1 hash', program: 'cpubench', args: ['1', 'hash'] },
  { name: 'cpubench 2 sort', program: 'cpubench', args: ['2', 'sort'] },
  { name: 'cpubench 4 nbody', program: 'cpubench', args: ['4', 'nbody'] },
];
const ENGINES = ['interp', 'jit'];
const selected = process.argv.slice(2);
const workloads = selected.length > 0 ? WORKLOADS.filter((workload) => selected.includes(workload.name)) : WORKLOADS;
const programFile = { cpubench: 'bench/guest/cpubench', hello: 'bench/guest/hello-default' };

const mips = (run) => run.instructions / run.seconds / 1e6;
const environment = { HOME: '/', PATH: '/bin', TERM: 'xterm' };
// Loads binaryen into this thread for the inline runs (the demo's worker preloads it too).
await runLinuxProgram({ program: readFileSync(path.join(root, programFile.hello)), engine: 'jit', compiler: 'inline' });
const rows = [];

const { server, url } = await startServer(0);
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.mipsjitDemo?.state() === 'idle', null, { timeout: 60_000 });
  for (const workload of workloads) {
    const row = { name: workload.name };
    const program = readFileSync(path.join(root, programFile[workload.program]));
    for (const engine of ENGINES) {
      // The environment, argv[0] and file system the demo's worker gives (an in-memory one, the
      // program at /bin/NAME: `files`), so that both run the very same instructions. On the host's
      // files the program sat in a temporary directory, and glibc's start-up read a longer
      // /proc/self/exe: 32 instructions more than in Chromium.
      const node = await runLinuxProgram({ program, name: workload.program, args: workload.args, env: environment, files: {}, engine });
      if (engine === 'jit') row['node-jit-inline'] = await runLinuxProgram({ program, name: workload.program, args: workload.args, env: environment, files: {}, engine, compiler: 'inline' });
      row[`node-${engine}`] = { instructions: node.instructions, seconds: node.seconds, exitStatus: node.exitStatus };
      await page.selectOption('#program', workload.program);
      await page.fill('#args', workload.args.join(' '));
      await page.check(`input[name=engine][value=${engine}]`);
      await page.click('#run');
      await page.waitForFunction(() => ['exited', 'failed'].includes(window.mipsjitDemo.state()), null, { timeout: 600_000 });
      const exit = await page.evaluate(() => window.mipsjitDemo.lastExit());
      if (!exit || exit.exitStatus !== 0 || node.exitStatus !== 0) throw new Error(`${workload.name} (${engine}) failed in ${exit ? 'Node' : 'Chromium'}`);
      if (exit.counters.instructions !== node.instructions) throw new Error(`${workload.name} (${engine}): ${exit.counters.instructions} instructions in Chromium, ${node.instructions} in Node`);
      row[`chromium-${engine}`] = exit.counters;
      process.stderr.write(`${workload.name} ${engine}: Node ${mips(row[`node-${engine}`]).toFixed(1)} MIPS, Chromium ${mips(exit.counters).toFixed(1)} MIPS\n`);
    }
    rows.push(row);
  }
} finally {
  await browser.close();
  server.close();
}

const header = ['workload', 'instructions', 'Node interp', 'Node JIT', 'Node JIT inline', 'Chromium interp', 'Chromium JIT', 'Chromium/Node interp', 'Chromium/Node JIT inline'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const row of rows) {
  const cell = (key) => `${mips(row[key]).toFixed(1)} MIPS (${row[key].seconds.toFixed(2)} s)`;
  const ratio = (engine) => `${((100 * mips(row[`chromium-${engine}`])) / mips(row[`node-${engine === 'jit' ? 'jit-inline' : engine}`])).toFixed(0)}%`;
  lines.push(`| ${row.name} | ${row['node-interp'].instructions.toLocaleString('en')} | ${cell('node-interp')} | ${cell('node-jit')} | ${cell('node-jit-inline')} | ${cell('chromium-interp')} | ${cell('chromium-jit')} | ${ratio('interp')} | ${ratio('jit')} |`);
}
process.stdout.write(lines.join('\n') + '\n');
