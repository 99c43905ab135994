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
    // A worker process runs file after file with the modules it has loaded, rather than a fresh
    // process per file: each file's start (vite-node loading the sources, the instruction table,
    // the engine bundle) cost ~0.7 s of a worker, 22 s of "prepare" and 52 s of "collect" under
    // two busy loops beside the suite. The whole suite with two `yes` running: 5m11s -> 4m00s.
    // Test files share module state: caches (the guest tests' compiled code, keyed by page
    // content), V8's tiering flag once a system VM with the JIT exists (codegen/v8-tiering.ts), and
    // system mode's one compiler thread (src/vm/vm.ts), which may be warm from an earlier file: a
    // test must not assume how soon a worker-compiled region arrives.
    poolOptions: { forks: { isolate: false } },
    // Both cores: vitest's default is one worker fewer than the cores, one on a 2-core machine,
    // which then sat idle for much of the run while a guest-heavy file ran on the other.
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: LongFilesFirstSequencer },
    // The engine bundle of the guest-program tests loads with Node's own import (test/bundled-engine.ts).
    server: { deps: { external: [/\/\.test-bundle\//] } },
  },
});
