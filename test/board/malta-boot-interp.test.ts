// mipsjit boots Debian's Malta kernel under the interpreter (see malta-boot.ts).

import { describe } from 'vitest';
import { bootTest } from './malta-boot.js';
import { maltaGuest } from './malta-guest.js';

describe('Malta board, interpreter', () => {
  bootTest('interp', maltaGuest(), 900_000);
});
