// Per-instruction tests of the interpreter's integer, shift, multiply/divide, bit-field, trap and
// load/store handlers: each case's expectations hold on the interpreter and under qemu-mipsel.
import { describe, it } from 'vitest';
import { checkCase } from './check.js';
import { INTEGER_CASES } from './integer-cases.js';

describe('integer instructions (interpreter, confirmed by qemu-mipsel)', () => {
  for (const testCase of INTEGER_CASES) {
    it(testCase.name, () => checkCase(testCase));
  }
});
