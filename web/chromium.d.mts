// Types of web/chromium.mjs for the TypeScript tests.
import type { BrowserContext } from 'playwright-core';

export declare const CHROMIUM: string;
export declare const hasChromium: boolean;
export declare const CHROMIUM_FLAGS: readonly string[];
export declare function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }>;
