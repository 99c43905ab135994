// Vitest global setup: builds dist/ once (without the .d.ts files, which test/package.test.ts emits),
// so tests of the command line run the real bundle; and, where Chromium is installed, the demo
// page's web/dist/ once for the browser tests (test/web/), which run in parallel workers and so
// must not each rebuild (web/build.mjs empties web/dist/ first); and the engine bundle the
// guest-program tests run (test/bundled-engine.ts). It also gives the CLI a code cache directory
// of its own for the run.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasChromium } from '../web/chromium.mjs';
import { buildNodeModule } from '../scripts/build.mjs';
import { ENGINE_BUNDLE } from './engine-bundle-path.js';

export default async function setup(): Promise<() => void> {
  const root = path.resolve(__dirname, '..');
  // The CLI keeps compiled code across runs (src/code-cache-file.ts): tests keep theirs apart
  // from the user's cache, and every test run starts without one.
  const cacheDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-test-cache-'));
  process.env.MIPSJIT_CACHE_DIR = cacheDirectory;
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--no-types'], { cwd: root, stdio: 'inherit' });
  // The engine the guest-program tests run (test/bundled-engine.ts), bundled as dist/ is.
  await buildNodeModule(path.join(root, 'test/engine-bundle.ts'), ENGINE_BUNDLE);
  if (hasChromium) execFileSync(process.execPath, [path.join(root, 'web/build.mjs')], { cwd: root, stdio: 'inherit' });
  return () => fs.rmSync(cacheDirectory, { recursive: true, force: true });
}
