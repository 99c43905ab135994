// The demo page's "boot Linux" mode in Chromium: Debian's 4kc-malta kernel boots on the Malta board
// in the page's Worker under the JIT with the demo's busybox initramfs, the shell's prompt appears
// in the xterm.js terminal, a command typed there gets its answer, and `poweroff -f` stops the
// machine. Skipped without /usr/bin/chromium or without the kernel and busybox in .cache/ (CI's
// .ci/run fetches them; so does `npm run demo`). Long: a whole kernel boot.

import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { hasChromium, launchChromium } from '../../web/chromium.mjs';
import { startServer } from '../../web/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasLinux = existsSync(path.join(root, '.cache/malta-kernel/root/boot')) && existsSync(path.join(root, '.cache/busybox/root/bin/busybox'));

interface DemoWindow {
  mipsjitDemo: { terminalText(): string; state(): string };
}

test.skipIf(!hasChromium || !hasLinux)("boot Linux: the guest's shell answers a command typed in the terminal", async () => {
  expect(existsSync(path.join(root, 'web/dist/linux/vmlinuz'))).toBe(true);
  let server: Server | undefined;
  const browser = await launchChromium();
  try {
    let url: string;
    ({ server, url } = await startServer(0));
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);
    const text = (): Promise<string> => page.evaluate(() => (window as unknown as DemoWindow).mipsjitDemo.terminalText());
    /** The page's counters: whether a guest that printed nothing for long still ran. */
    const counters = async (): Promise<string> =>
      `state ${await page.evaluate(() => (window as unknown as DemoWindow).mipsjitDemo.state())}, instructions ${await page.textContent('#instructions')}, blocks ${await page.textContent('#blocks')}`;
    /**
     * Waits for `predicate` on the page; a timeout reports the end of the terminal's text and the
     * counters then and 5 s later.
     */
    const waitFor = async (what: string, predicate: () => boolean, timeout: number): Promise<void> => {
      try {
        await page.waitForFunction(predicate, null, { timeout, polling: 500 });
      } catch (error) {
        const before = await counters();
        await page.waitForTimeout(5000);
        throw new Error(`${what}: ${(error as Error).message}\n--- ${before}; 5 s later ${await counters()}\n--- terminal ---\n${(await text()).slice(-1500)}`);
      }
    };
    await page.waitForFunction(() => (window as unknown as DemoWindow).mipsjitDemo?.state() === 'idle', null, { timeout: 60_000 });
    await page.selectOption('#mode', 'linux');
    await page.check('input[name=engine][value=jit]');
    await page.click('#run');
    // The banner /init prints, then busybox sh's prompt on the console: at the end of a line
    // (terminalText trims each line's end), or followed by what the kernel printed after it (on
    // a loaded machine `hrtimer: interrupt took 17190096 ns` came right after the prompt, and a
    // wait for the prompt at the end of the text ran out its 540 s).
    await waitFor('the shell prompt', () => /ends it\)\.\n[\s\S]*^\/root #(?: |$)/m.test((window as unknown as DemoWindow).mipsjitDemo.terminalText()), 540_000);
    expect(await text()).toContain('Run /init as init process');
    await page.click('#terminal');
    await page.keyboard.type('echo $((6*7)) $(uname -sm)\n');
    // The answer on a line of its own, once kernel messages (`[   15.413995] ...`) are taken out.
    await waitFor('the answer', () => /\n42 Linux mips\r?\n/.test((window as unknown as DemoWindow).mipsjitDemo.terminalText().replace(/\[ *\d+\.\d+\] [^\n]*\n?/g, '')), 240_000);
    expect(Number(await page.textContent('#blocks'))).toBeGreaterThan(1000);
    await page.keyboard.type('poweroff -f\n');
    await waitFor('the power-off', () => (window as unknown as DemoWindow).mipsjitDemo.state() === 'exited', 240_000);
    expect(await text()).toMatch(/\[poweroff, exit status 0: [\d,]+ instructions in [\d.]+ s\]$/);
    expect(await page.textContent('#exit')).toBe('0');
    expect((await page.screenshot()).length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
    server?.close();
  }
}, 1_200_000);
