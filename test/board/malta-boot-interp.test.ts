// mipsjit boots Debian's Malta kernel under the interpreter (see malta-boot.ts). The boot runs
// ~4 G guest instructions, many minutes at the interpreter's speed on a 2-core CI machine, so it
// runs only when asked: MIPSJIT_BOOT_INTERP=1 npx vitest run test/board/malta-boot-interp.test.ts

import { describe } from 'vitest';
import { bootTest } from './malta-boot.js';
import { maltaGuest } from './malta-guest.js';

const wanted = process.env.MIPSJIT_BOOT_INTERP === '1';

describe.skipIf(!wanted)('Malta board, interpreter (MIPSJIT_BOOT_INTERP=1)', () => {
  bootTest('interp', wanted ? maltaGuest() : undefined, 3_600_000);
});
