// Debian's static busybox (test/guest/busybox.sh fetches it) runs every case of
// test/guest/busybox-cases.json with the same stdout and exit status as under qemu-mipsel, which
// is the oracle at test time. Needs qemu-mipsel and the busybox download; without them the suite
// reports itself as skipped rather than failing. The cases are split over two test files
// (busybox-1/2.test.ts) so that vitest's two workers share them: as one file they were the
// suite's longest stretch (480 s of a loaded 2-core machine).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { constants } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JitEngine } from '../../codegen/engine.js';
import { ENGINES, JIT_BUSYBOX_THRESHOLD, runCaptured } from './helpers.js';

interface BusyboxCase {
  name: string;
  args: string[];
  env?: Record<string, string>;
  stdin?: string;
}

const root = path.resolve(__dirname, '..', '..');

function findBusybox(): string | undefined {
  try {
    const found = execFileSync('bash', [path.join(root, 'test/guest/busybox.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return fs.existsSync(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

const hasQemu = spawnSync('qemu-mipsel', ['-version']).status === 0;
const busybox = hasQemu ? findBusybox() : undefined;
const cases: BusyboxCase[] = JSON.parse(fs.readFileSync(path.join(root, 'test/guest/busybox-cases.json'), 'utf8')) as BusyboxCase[];

/** Defines the cases whose index is `shard` modulo `shards`. */
export function busyboxCases(shard: number, shards: number): void {
  describe.skipIf(busybox === undefined)(`busybox applets match qemu-mipsel (part ${shard + 1} of ${shards})`, () => {
    beforeAll(() => JitEngine.prepare());
    for (const busyboxCase of cases.filter((_, index) => index % shards === shard)) {
      it(busyboxCase.name, async () => {
        const options = { cwd: root, env: { ...(busyboxCase.env ?? {}) }, input: busyboxCase.stdin ?? '', maxBuffer: 64 << 20 };
        const oracle = spawnSync('qemu-mipsel', [busybox!, ...busyboxCase.args], options);
        const oracleStatus = oracle.signal ? 128 + constants.signals[oracle.signal] : oracle.status;
        // qemu-mipsel hands the guest its environment in reverse order (see src/cli.ts).
        const env = Object.fromEntries(Object.entries(busyboxCase.env ?? {}).reverse());
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
          expect(result.stdout.toString('latin1'), engine).toBe(oracle.stdout.toString('latin1'));
          expect(result.exitStatus, engine).toBe(oracleStatus);
        }
      });
    }
  });
}
