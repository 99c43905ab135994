// Vitest test sequencer: starts the files known to take longest (a whole kernel boot, a hundred
// guest programs under two engines) first, so that on two workers none of them is left to run
// alone at the end of the suite. Vitest's own order (longest first by the durations it cached in
// node_modules/.vite, else largest file first) does this only after a run on the same checkout;
// a fresh clone (CI) has no cache, and the long files are small ones. The rest keep vitest's order.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first (seconds on a quiet 2-core machine, one worker each). */
const LONG_FILES = [
  'test/web/demo-boot.test.ts', // ~53 s: Chromium boots Linux in the demo page
  'test/linux/guest-cases.test.ts', // ~50 s
  'test/board/malta-boot-jit.test.ts', // ~25 s: a boot through `mipsjit boot` beside QEMU's
  'test/linux/busybox-2.test.ts', // ~30 s each, with qemu-mipsel beside
  'test/linux/busybox-1.test.ts',
  'test/jit/fuzz.test.ts', // ~17 s
  'test/board/malta-board.test.ts',
  'test/linux/debian.test.ts',
  'test/package.test.ts',
];

const root = path.resolve(import.meta.dirname, '..');

export default class LongFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const index = LONG_FILES.indexOf(path.relative(root, file.moduleId).split(path.sep).join('/'));
      return index < 0 ? LONG_FILES.length : index;
    };
    const ordered = await super.sort(files);
    // Array.prototype.sort is stable: files not listed keep vitest's order after the listed ones.
    return ordered.sort((first, second) => rank(first) - rank(second));
  }
}
