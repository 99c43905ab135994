#!/usr/bin/env node
// Regenerates the golden .wat snapshots of test/jit/golden/ (run test/jit/wat.test.ts with
// MIPSJIT_UPDATE_GOLDEN=1); read `git diff test/jit/golden` before committing them.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync('npx', ['vitest', 'run', 'test/jit/wat.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MIPSJIT_UPDATE_GOLDEN: '1' },
});
process.exit(result.status ?? 1);
