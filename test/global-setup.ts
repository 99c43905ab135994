// Vitest global setup: builds dist/ once (without the .d.ts files, which test/package.test.ts emits),
// so tests of the command line run the real bundle; and, where Chromium is installed, the demo
// page's web/dist/ once for the browser tests (test/web/), which run in parallel workers and so
// must not each rebuild (web/build.mjs empties web/dist/ first).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { hasChromium } from '../web/chromium.mjs';

export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--no-types'], { cwd: root, stdio: 'inherit' });
  if (hasChromium) execFileSync(process.execPath, [path.join(root, 'web/build.mjs')], { cwd: root, stdio: 'inherit' });
}
