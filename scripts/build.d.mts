// Types of scripts/build.mjs, for test/global-setup.ts.
import type { BuildResult } from 'esbuild';

export declare function buildNodeModule(entry: string, outfile: string): Promise<BuildResult>;
