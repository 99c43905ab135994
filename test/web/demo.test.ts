// The demo page (web/) in a real browser, Debian's Chromium driven by playwright-core: it loads
// with no console errors; a user-mode program prints its output in the xterm.js terminal under both
// engines (the output must equal what the Node CLI prints, and for a dropped program what
// qemu-mipsel printed, test/guest/expected/); the engine switch changes the counters; a screenshot
// is taken and the terminal's text read back from the page. Skipped when /usr/bin/chromium is
// missing (.ci/run installs it as best effort).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasChromium, launchChromium } from '../../web/chromium.mjs';
import { startServer } from '../../web/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface DemoWindow {
  mipsjitDemo: { terminalText(): string; state(): string };
}

/** Text as the terminal shows it: tabs expanded to 8-column stops, trailing blanks dropped. */
function asTerminalShows(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let shown = '';
      for (const char of line) shown += char === '\t' ? ' '.repeat(8 - (shown.length % 8)) : char;
      return shown.trimEnd();
    })
    .join('\n')
    .trimEnd();
}

describe.skipIf(!hasChromium)('the demo page in Chromium', () => {
  let server: Server;
  let url: string;
  let close: () => Promise<void>;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ server, url } = await startServer(0));
    const browser = await launchChromium();
    close = browser.close;
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as DemoWindow).mipsjitDemo?.state() === 'idle', null, { timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await close?.();
    server?.close();
  });

  const terminalText = (): Promise<string> => page.evaluate(() => (window as unknown as DemoWindow).mipsjitDemo.terminalText());
  const counter = async (id: string): Promise<string> => (await page.textContent(`#${id}`)) ?? '';

  async function runWith(engine: 'interp' | 'jit'): Promise<void> {
    await page.check(`input[name=engine][value=${engine}]`);
    await page.click('#run');
    await page.waitForFunction(() => ['exited', 'failed'].includes((window as unknown as DemoWindow).mipsjitDemo.state()), null, { timeout: 120_000 });
  }

  test('the page loads with no console errors and a terminal', async () => {
    expect(await page.title()).toMatch(/mipsjit/);
    expect(await terminalText()).toContain('mipsjit demo');
    expect(problems).toEqual([]);
  });

  test('the bundled program prints its output in the terminal under both engines, and the engine switch changes the counters', async () => {
    const expected = asTerminalShows(execFileSync(process.execPath, [path.join(root, 'dist/cli.cjs'), 'run', 'bench/guest/hello-default'], { cwd: root, encoding: 'utf8' }));
    await page.selectOption('#program', 'hello');

    await runWith('interp');
    let text = await terminalText();
    expect(text).toContain(`$ hello    (interpreter)\n${expected}\n\n[exit status 0: `);
    expect(await counter('exit')).toBe('0');
    expect(await counter('engine-used')).toBe('interp');
    expect(await counter('blocks')).toBe('0');
    expect(await counter('share')).toBe('0.0%');
    const interpInstructions = await counter('instructions');

    await runWith('jit');
    text = await terminalText();
    expect(text).toContain(`$ hello    (JIT)\n${expected}\n\n[exit status 0: `);
    expect(await counter('exit')).toBe('0');
    expect(await counter('engine-used')).toBe('jit');
    // The same guest work, but now hot code ran compiled.
    expect(await counter('instructions')).toBe(interpInstructions);
    expect(Number(await counter('blocks'))).toBeGreaterThan(0);
    expect(parseFloat(await counter('share'))).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  test('a program dropped onto the page runs with the given stdin and prints what qemu-mipsel printed', async () => {
    const program = readFileSync(path.join(root, 'test/guest/bin/t_libc')).toString('base64');
    const testCase = (JSON.parse(readFileSync(path.join(root, 'test/guest/cases.json'), 'utf8')) as { name: string; stdin?: string }[]).find((entry) => entry.name === 'libc-stdin')!;
    const expected = asTerminalShows(readFileSync(path.join(root, 'test/guest/expected/libc-stdin.stdout'), 'utf8'));
    await page.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 't_libc'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, program);
    await page.waitForFunction(() => (window as unknown as DemoWindow).mipsjitDemo.terminalText().includes('[t_libc: '));
    await page.fill('#args', 'stdin');
    await page.fill('#stdin', testCase.stdin!);
    await runWith('jit');
    expect(await terminalText()).toContain(`$ t_libc stdin    (JIT)\n${expected}\n\n[exit status 0: `);
    expect(problems).toEqual([]);
  });

  test('with the stdin box empty, the program reads what is typed at the terminal, line by line, until Ctrl-D', async () => {
    const testCase = (JSON.parse(readFileSync(path.join(root, 'test/guest/cases.json'), 'utf8')) as { name: string; stdin?: string }[]).find((entry) => entry.name === 'libc-stdin')!;
    const output = readFileSync(path.join(root, 'test/guest/expected/libc-stdin.stdout'), 'utf8');
    await page.fill('#args', 'stdin');
    await page.fill('#stdin', '');
    await page.check('input[name=engine][value=interp]');
    await page.click('#run');
    await page.waitForFunction(() => (window as unknown as DemoWindow).mipsjitDemo.state() === 'running');
    await page.click('#terminal');
    // A mistake mended with Backspace, the case's lines (its last has no newline: Ctrl-D sends it
    // as it is, as a tty does), then Ctrl-D on the empty line for end-of-file.
    await page.keyboard.type('x');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(testCase.stdin!);
    await page.keyboard.press('Control+D');
    await page.keyboard.press('Control+D');
    await page.waitForFunction(() => ['exited', 'failed'].includes((window as unknown as DemoWindow).mipsjitDemo.state()), null, { timeout: 120_000 });
    // The terminal shows the echo of what was typed, then the program's output.
    expect(await terminalText()).toContain(`$ t_libc stdin    (interpreter)\n${asTerminalShows(testCase.stdin! + output)}\n\n[exit status 0: `);
    expect(problems).toEqual([]);
  });

  test("in the page the guest has only its in-memory files: the host's are out of reach, its /tmp works", async () => {
    const program = readFileSync(path.join(root, 'test/guest/bin/t_sys')).toString('base64');
    await page.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      (window as unknown as { mipsjitDemo: { useProgram(name: string, bytes: Uint8Array): void } }).mipsjitDemo.useProgram('t_sys', bytes);
    }, program);
    await page.fill('#args', 'cat /etc/passwd');
    await page.fill('#stdin', '');
    await runWith('interp');
    expect(await terminalText()).toContain('$ t_sys cat /etc/passwd    (interpreter)\ncannot open /etc/passwd: No such file or directory\n\n[exit status 3: ');
    // Its /tmp is writable: t_sys's file case prints what qemu-mipsel printed on the host's files.
    await page.fill('#args', 'files');
    await runWith('jit');
    const expected = asTerminalShows(readFileSync(path.join(root, 'test/guest/expected/sys-files.stdout'), 'utf8'));
    expect(await terminalText()).toContain(`$ t_sys files    (JIT)\n${expected}\n\n[exit status 0: `);
    expect(problems).toEqual([]);
  });

  test('a screenshot shows the page, and the terminal text is read back from it', async () => {
    const png = await page.screenshot({ fullPage: true });
    // A PNG of the viewport's width (IHDR: width and height, big-endian, at bytes 16 and 20).
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1300);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(700);
    const terminal = await page.locator('#terminal').screenshot();
    expect(terminal.length).toBeGreaterThan(5_000); // text on black, not an empty box
    const text = await terminalText();
    expect(text.match(/\[exit status 0: /g)?.length).toBe(5); // hello twice, t_libc twice, t_sys
    expect(problems).toEqual([]);
  });
});
