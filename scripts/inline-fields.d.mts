// Types of scripts/inline-fields.mjs, for test/unit/inline-fields.test.ts.
import type { Plugin } from 'esbuild';

export interface FieldExtractor {
  readonly parameter: string;
  readonly expression: string;
}
export declare const FIELDS_FILE: string;
export declare function parseFieldExtractors(text: string): Map<string, FieldExtractor>;
export declare function inlineFieldExtractors(source: string, extractors: Map<string, FieldExtractor>): string;
export declare const inlineFieldsPlugin: Plugin;
