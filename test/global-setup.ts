// Vitest global setup: builds dist/ once (without the .d.ts files, which test/package.test.ts emits),
// so tests of the command line run the real bundle.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--no-types'], { cwd: root, stdio: 'inherit' });
}
