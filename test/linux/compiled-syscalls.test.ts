// User mode runs SYSCALL in compiled code (the table's UserRunsCompiled, codegen/block.ts): a hot
// loop of system calls stays in its region, and sees the results, errors included, that the
// interpreter and qemu-mipsel give (test/guest/expected/sys-syscall-loop.stdout).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JIT_TEST_THRESHOLD, runCaptured } from './helpers.js';

const root = path.resolve(__dirname, '..', '..');
/** t_sys syscall-loop makes four system calls per round, 3000 rounds. */
const SYSTEM_CALLS = 4 * 3000;

describe('system calls in compiled code', () => {
  it('runs a hot loop of system calls without returning to the engine for each', async () => {
    const bin = 'test/guest/bin/t_sys';
    const result = await runCaptured({ engine: 'jit', hotThreshold: JIT_TEST_THRESHOLD, path: path.join(root, bin), argv: [bin, 'syscall-loop'], env: {}, cwd: root });
    expect(result.stdout.toString('latin1')).toBe(fs.readFileSync(path.join(root, 'test/guest/expected/sys-syscall-loop.stdout'), 'latin1'));
    expect(result.exitStatus).toBe(0);
    // Each SYSCALL left compiled code for the interpreter before: at least one call per system call.
    expect(result.jit!.regionCalls).toBeLessThan(SYSTEM_CALLS / 20);
    expect(result.jit!.compiledInstructions / result.instructions).toBeGreaterThan(0.9);
  });
});
