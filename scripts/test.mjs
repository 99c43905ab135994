// `npm test`: the type check (tsc --noEmit -p .) and the test suite (vitest run) at the same
// time, rather than one after the other (tsc is ~10 s of one core, which the suite's start, the
// global setup's build, mostly leaves idle). tsc's report is printed when both are done; the exit
// status is tsc's when it failed, else vitest's. Arguments go to vitest (npm test -- --reporter=json ...).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSC = path.join(root, 'node_modules/typescript/bin/tsc');
const VITEST = path.join(root, 'node_modules/vitest/vitest.mjs');

/** Runs a node script; resolves with its exit status (1 for a signal) and, when captured, its output. */
function run(script, args, capture) {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  let output = '';
  if (capture) {
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
  }
  return new Promise((resolve) => child.on('close', (status) => resolve({ status: status ?? 1, output })));
}

const [typecheck, tests] = await Promise.all([run(TSC, ['--noEmit', '-p', '.'], true), run(VITEST, ['run', ...process.argv.slice(2)], false)]);
if (typecheck.status !== 0) {
  process.stderr.write(`\ntsc --noEmit -p . failed:\n${typecheck.output}`);
  process.exitCode = typecheck.status;
} else {
  process.exitCode = tests.status;
}
