// A stdin fed while the guest runs (runLinuxProgram with a GuestInput, as a terminal feeds it):
// Debian's busybox sh reads a command, answers it, waits for the next one (a wait on the embedder,
// not a deadlock) and ends at end-of-file, under both engines. Skipped without the busybox download.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { GuestInput, runLinuxProgram } from '../../src/index.js';
import { findBusybox } from './helpers.js';

const busybox = findBusybox();

describe.skipIf(busybox === undefined)('GuestInput: stdin fed while the guest runs', () => {
  test.each(['interp', 'jit'] as const)('busybox sh answers each command as it arrives, and ends at end-of-file (%s)', async (engine) => {
    const input = new GuestInput();
    input.write('echo first\n'); // before the run: kept for it
    let output = '';
    const steps = [
      { after: 'first\n', send: () => input.write('echo $((6*7))\n') },
      { after: '42\n', send: () => input.end() },
    ];
    const result = await runLinuxProgram({
      program: readFileSync(busybox!),
      name: 'sh',
      files: {},
      stdin: input,
      engine,
      stdout: (bytes) => {
        output += new TextDecoder().decode(bytes);
        // Answer later, as a person at a terminal would (the guest is waiting by then).
        const step = steps[0];
        if (step !== undefined && output.endsWith(step.after)) {
          steps.shift();
          setTimeout(step.send, 20);
        }
      },
    });
    expect(output).toBe('first\n42\n');
    expect(result.exitStatus).toBe(0);
  });

  test('write takes strings and bytes only, and nothing after end()', () => {
    const input = new GuestInput();
    expect(() => input.write(42 as unknown as string)).toThrow(/GuestInput.write: data must be a string or a Uint8Array/);
    input.end();
    input.write('ignored');
  });
});
