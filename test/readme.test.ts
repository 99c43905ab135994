// The README's system-mode example runs as written (with 'mipsjit' pointing at the sources).

import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, vi } from 'vitest';

test('the system-mode example in README.md runs and prints what its comments say', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const match = /<!-- example: system-mode -->\n```ts\n([\s\S]*?)```/.exec(readme);
  expect(match).not.toBeNull();
  const source = match![1]!.replace("from 'mipsjit'", `from '${fileURLToPath(new URL('../src/index.js', import.meta.url))}'`);
  const file = fileURLToPath(new URL('./.readme-example.ts', import.meta.url));
  writeFileSync(file, source);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
  expect(lines).toEqual(['max VCPUs 8', 'hi 42 400004']);
});
