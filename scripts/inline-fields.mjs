// An esbuild plugin for every bundle of scripts/build.mjs: writes the instruction field extractors
// of src/interp/fields.ts (`rsOf(w)`, `simmOf(word)`, ...) out at their call sites, as the
// expression fields.ts gives, so fields.ts stays their one definition.
//
// Why: V8 optimizes the system-mode interpreter's loop (src/interp/system-cpu.ts runSwitched) as
// an ordinary function, not specialized to its module's context, so each call of an extractor in
// an inlined handler loaded the function from the context and checked it (12 x86 instructions of
// an ADDIU's). The user-mode loop is compiled on stack replacement, where V8 folds them. Written
// out, bench/system.mjs's interpreted CPU loop in kseg0 went 92.5 -> 100.9 MIPS (medians of five
// interleaved runs). Only calls whose argument is a name or a property path (`w`,
// `instruction.word`) are rewritten: the argument is then evaluated once either way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIELDS_FILE = path.join(root, 'src/interp/fields.ts');

/**
 * The extractors of fields.ts's text, name -> { parameter, expression }. Each export is
 * `export const name = (parameter: number) => expression;` or an alias `export const name = other;`;
 * anything else there is an error, so that no extractor is left out unnoticed.
 */
export function parseFieldExtractors(text) {
  const extractors = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('export')) continue;
    const arrow = /^export const (\w+) = \((\w+): number\) => (.+);$/.exec(line);
    const alias = /^export const (\w+) = (\w+);$/.exec(line);
    if (arrow !== null) extractors.set(arrow[1], { parameter: arrow[2], expression: arrow[3] });
    else if (alias !== null && extractors.has(alias[2])) extractors.set(alias[1], extractors.get(alias[2]));
    else throw new Error(`scripts/inline-fields.mjs: cannot inline this export of src/interp/fields.ts: ${line}`);
  }
  return extractors;
}

/** `source` with each call of an extractor on a name or property path written out. */
export function inlineFieldExtractors(source, extractors) {
  const names = [...extractors.keys()].join('|');
  const call = new RegExp(`(?<![\\w$.])(${names})\\(([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)\\)`, 'g');
  return source.replace(call, (_, name, argument) => {
    const { parameter, expression } = extractors.get(name);
    return `(${expression.replace(new RegExp(`\\b${parameter}\\b`, 'g'), argument)})`;
  });
}

/** The plugin: rewrites the TypeScript files under src/ and codegen/ (fields.ts itself excepted). */
export const inlineFieldsPlugin = {
  name: 'mipsjit-inline-fields',
  setup(builder) {
    const extractors = parseFieldExtractors(readFileSync(FIELDS_FILE, 'utf8'));
    const directories = [path.join(root, 'src') + path.sep, path.join(root, 'codegen') + path.sep];
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path === FIELDS_FILE || !directories.some((directory) => args.path.startsWith(directory))) return undefined;
      return { contents: inlineFieldExtractors(readFileSync(args.path, 'utf8'), extractors), loader: 'ts' };
    });
  },
};
