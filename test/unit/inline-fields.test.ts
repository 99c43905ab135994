// The build's writing out of the field extractors (scripts/inline-fields.mjs): every export of
// src/interp/fields.ts is understood, and each written-out call gives what the function gives.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as fields from '../../src/interp/fields.js';
import { FIELDS_FILE, inlineFieldExtractors, parseFieldExtractors } from '../../scripts/inline-fields.mjs';
import { Random } from '../random.js';

const extractors = parseFieldExtractors(readFileSync(FIELDS_FILE, 'utf8'));

describe('inlining the field extractors', () => {
  it('knows every export of fields.ts', () => {
    expect([...extractors.keys()].sort()).toEqual(Object.keys(fields).sort());
  });

  it('gives what each extractor gives, for a name and for a property path', () => {
    const random = new Random(0x5eed);
    const words = [0, -1, 0x7fff_ffff, -0x8000_0000, 0x8000, 0x7fff, ...Array.from({ length: 200 }, () => random.next() | 0)];
    for (const [name, extractor] of Object.entries(fields) as [string, (word: number) => number][]) {
      const byName = new Function('w', `return ${inlineFieldExtractors(`${name}(w)`, extractors)};`) as (word: number) => number;
      const byPath = new Function('instruction', `return ${inlineFieldExtractors(`${name}(instruction.word)`, extractors)};`) as (instruction: { word: number }) => number;
      for (const word of words) {
        expect(byName(word), `${name}(${word})`).toBe(extractor(word));
        expect(byPath({ word }), `${name}(${word})`).toBe(extractor(word));
      }
    }
  });

  it('writes out calls on names only, and keeps precedence', () => {
    expect(inlineFieldExtractors('r[rsOf(w)] + simmOf(word) * 2', extractors)).toBe('r[((w >>> 21) & 31)] + ((word << 16) >> 16) * 2');
    // An argument that is an expression stays a call (it would be evaluated twice or bind wrongly).
    expect(inlineFieldExtractors('rtOf(a + b); rsOf(next())', extractors)).toBe('rtOf(a + b); rsOf(next())');
    expect(inlineFieldExtractors('ursOf(w); fields.rsOf(w)', extractors)).toBe('ursOf(w); fields.rsOf(w)');
  });

  it('refuses an export it cannot write out', () => {
    expect(() => parseFieldExtractors('export function rsOf(word: number) { return word >>> 21; }')).toThrow(/cannot inline/);
  });
});
