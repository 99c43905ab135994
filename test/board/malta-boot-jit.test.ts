// mipsjit boots Debian's Malta kernel under the JIT through `mipsjit boot` (see malta-boot.ts):
// the boot log and /init's lines, commands typed at the shell, power-off; where qemu-system-mipsel
// is installed, the same session under QEMU runs beside it and checks the recordings too.

import { bootTest } from './malta-boot.js';
import { maltaGuest } from './malta-guest.js';

bootTest('jit', maltaGuest(), 900_000);
