// Debian's static busybox (test/guest/busybox.sh fetches it) runs every case of
// test/guest/busybox-cases.json with the same stdout and exit status as under qemu-mipsel, which
// is the oracle at test time. Needs qemu-mipsel and the busybox download; without them the suite
// reports itself as skipped rather than failing. The cases are split over two test files
// (busybox-1/2.test.ts) so that vitest's two workers share them: as one file they were the
// suite's longest stretch (480 s of a loaded 2-core machine). Each case's qemu-mipsel run is a
// child process that runs while mipsjit runs the case in-process under both engines.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { constants } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES, findBusybox, JIT_BUSYBOX_THRESHOLD, runCaptured } from './helpers.js';

interface BusyboxCase {
  name: string;
  args: string[];
  env?: Record<string, string>;
  stdin?: string;
}

const root = path.resolve(__dirname, '..', '..');

const hasQemu = spawnSync('qemu-mipsel', ['-version']).status === 0;
const busybox = hasQemu ? findBusybox() : undefined;
const cases: BusyboxCase[] = JSON.parse(fs.readFileSync(path.join(root, 'test/guest/busybox-cases.json'), 'utf8')) as BusyboxCase[];

/**
 * The cases that take several seconds each (fork and exec in a loop, a long script), dealt out
 * over the shards one by one before the rest go by index, so that no file gets most of them
 * (by index, both of the two longest fell in part 2: 75 s against 38 s).
 */
const LONG_CASES = ['sh-loop-true', 'sh-script', 'sh-loop', 'sh-nested-pipes'];

function shardOf(name: string, index: number, shards: number): number {
  const long = LONG_CASES.indexOf(name);
  return long >= 0 ? long % shards : index % shards;
}

interface OracleRun {
  stdout: Buffer;
  /** The exit status, or 128 + the signal's number as a shell reports a killed child. */
  status: number | null;
}

/**
 * Starts busybox under qemu-mipsel with the case's arguments, environment and stdin. Its stdout
 * goes to a file, so the child never waits for this process (busy running the guest) to read a pipe.
 */
function runOracle(busyboxCase: BusyboxCase): Promise<OracleRun> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-oracle-'));
  const stdoutPath = path.join(directory, 'stdout');
  const stdout = fs.openSync(stdoutPath, 'w');
  const child = spawn('qemu-mipsel', [busybox!, ...busyboxCase.args], { cwd: root, env: { ...(busyboxCase.env ?? {}) }, stdio: ['pipe', stdout, 'ignore'] });
  fs.closeSync(stdout);
  const input = child.stdin;
  if (input === null) throw new Error('qemu-mipsel: no stdin pipe');
  input.on('error', () => {}); // a guest that exits without reading all of its stdin
  input.end(busyboxCase.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const output = fs.readFileSync(stdoutPath);
      fs.rmSync(directory, { recursive: true, force: true });
      resolve({ stdout: output, status: signal ? 128 + constants.signals[signal] : status });
    });
  });
}

/** Defines the cases of shard `shard` of `shards` (shardOf). */
export function busyboxCases(shard: number, shards: number): void {
  describe.skipIf(busybox === undefined)(`busybox applets match qemu-mipsel (part ${shard + 1} of ${shards})`, () => {
    for (const busyboxCase of cases.filter((candidate, index) => shardOf(candidate.name, index, shards) === shard)) {
      it(busyboxCase.name, async () => {
        const oracleRun = runOracle(busyboxCase);
        oracleRun.catch(() => {}); // awaited below, after mipsjit's runs
        // qemu-mipsel hands the guest its environment in reverse order (see src/cli.ts).
        const env = Object.fromEntries(Object.entries(busyboxCase.env ?? {}).reverse());
        const results: { engine: string; stdout: string; exitStatus: number; compiledInstructions: number | undefined }[] = [];
        for (const engine of ENGINES) {
          const result = await runCaptured({
            path: busybox!,
            argv: [busybox!, ...busyboxCase.args],
            env,
            cwd: root,
            stdin: busyboxCase.stdin ?? '',
            engine,
            hotThreshold: JIT_BUSYBOX_THRESHOLD,
          });
          results.push({ engine, stdout: result.stdout.toString('latin1'), exitStatus: result.exitStatus, compiledInstructions: result.jit?.compiledInstructions });
        }
        const oracle = await oracleRun;
        for (const { engine, stdout, exitStatus, compiledInstructions } of results) {
          expect(stdout, engine).toBe(oracle.stdout.toString('latin1'));
          expect(exitStatus, engine).toBe(oracle.status);
          // The JIT's run is one: some of the applet ran compiled (the first process's engine).
          if (engine === 'jit') expect(compiledInstructions, engine).toBeGreaterThan(0);
        }
      });
    }
  });
}
