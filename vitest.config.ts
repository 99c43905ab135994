// Vitest configuration: unit, differential and guest-program tests under test/.
import { defineConfig } from 'vitest/config';
import LongFilesFirstSequencer from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/yield-between-tests.ts'],
    // Generous: on a loaded 2-core CI machine a guest-heavy test runs several times slower.
    testTimeout: 240_000,
    pool: 'forks',
    // Both cores: vitest's default is one worker fewer than the cores, one on a 2-core machine,
    // which then sat idle for much of the run while a guest-heavy file ran on the other.
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: LongFilesFirstSequencer },
    // The engine bundle of the guest-program tests loads with Node's own import (test/bundled-engine.ts).
    server: { deps: { external: [/\/\.test-bundle\//] } },
  },
});
