// The engine as esbuild bundles it (test/engine-bundle.ts), loaded with Node's own import rather
// than through vitest, for the tests that run much guest code in-process: the guest programs
// (test/linux/helpers.ts runCaptured), the JIT's and the system mode's fuzzers, the FPU fast paths.
//
// Why: vitest runs the sources through vite-node, which reaches every binding a module imports
// through a getter of the exporting module's object. The interpreter calls handlers and reads
// constants of other modules at every instruction, and ran guest programs several times slower
// there than bundled: test/linux/guest-cases.test.ts took 83 s (its interpreted runs 51 s, its
// JIT runs 32 s), and the same runs took 20 s with Node's own module loader (8 s and 12 s). The
// bundle is built from the sources at the start of every test run (test/global-setup.ts), and
// vitest.config.ts leaves .test-bundle/ to Node (server.deps.external).
import { pathToFileURL } from 'node:url';
import type * as Engine from './engine-bundle.js';
import { ENGINE_BUNDLE } from './engine-bundle-path.js';

export const engine = (await import(pathToFileURL(ENGINE_BUNDLE).href)) as typeof Engine;
