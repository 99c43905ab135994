// Per-instruction tests of branches and jumps on the interpreter: delay slots, branch-likely
// nullification, link registers, and exceptions in delay slots (confirmed by qemu-mipsel).
import { describe, it } from 'vitest';
import { BRANCH_CASES } from './branch-cases.js';
import { checkCase } from './check.js';

describe('branches and jumps (interpreter, confirmed by qemu-mipsel)', () => {
  for (const testCase of BRANCH_CASES) {
    it(testCase.name, () => checkCase(testCase));
  }
});
