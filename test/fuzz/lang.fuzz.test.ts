// Fuzzing the preprocessor, the function slicer and the analyzer on arbitrary text, C-shaped token
// soup, deep nesting and huge lines. Properties: nothing throws, the preprocessor keeps every line
// where it was (findings name lines of the file as read), slices lie inside the file, findings
// name the file and a line of it, and the same text gives the same result.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blank, blankAnnotations, codeMask, evaluateConditionals, rewriteIteratorMacros, rewriteMacroIdioms } from '../../src/lang/preprocess/index.js';
import { extractFunctions } from '../../src/lang/slice.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { fuzz } from './harness.js';
import { cLinesArb } from './c-source.js';

const C_TOKENS = [
  '{', '}', '(', ')', ';', '\n', ' ', '\t', '/*', '*/', '//', '"', "'", '\\', '\\\n', '#if 0\n', '#ifdef CONFIG_MEM_SOFT_DIRTY\n', '#else\n', '#endif\n',
  '#elif defined(CONFIG_X86)\n', '#define X(a) a\n', 'static int f(pte_t *ptep)', 'void g(void)', 'pte_t pte', '=', 'pte_mkwrite(pte, vma)', 'pte_mkdirty(pte)',
  'set_pte_at(mm, addr, ptep, pte)', 'if (pte_uffd_wp(old))', 'else', 'return', 'for_each_vma(vmi, vma)', '__releases(ptl)', 'struct s', 'x', '0', ',', '->', '[', ']',
  'SYSCALL_DEFINE3(mprotect, unsigned long, start)', 'goto out;', 'out:', '\r', '\0', '\u00e9', '\uFFFD',
];

const cSoup = fc.array(fc.constantFrom(...C_TOKENS), { maxLength: 400 }).map((t) => t.join(''));
const anyText = fc.oneof(fc.string({ maxLength: 3000, unit: 'binary' }), cSoup, cLinesArb().map((l) => l.join('\n')));

function newlines(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') out.push(i);
  return out;
}

describe('preprocessor', () => {
  it('keeps the length and every line end of the text', async () => {
    await fuzz('preprocess-lines', anyText, 300, (text) => {
      const ends = newlines(text);
      for (const out of [evaluateConditionals(text), blank(text), blankAnnotations(text)]) {
        expect(out.length).toBe(text.length);
        expect(newlines(out)).toEqual(ends);
      }
      expect(codeMask(text).length).toBe(text.length);
      for (const out of [rewriteIteratorMacros(text), rewriteMacroIdioms(text)]) expect(newlines(out).length).toBe(ends.length);
    });
  });
});

describe('slicer and analyzer', () => {
  it('slices lie inside the file; findings name the file and one of its lines; same text, same result', async () => {
    await fuzz('analyze-text', anyText, 200, (text) => {
      const lineCount = text.split('\n').length;
      for (const fn of extractFunctions(text)) {
        expect(fn.startLine).toBeGreaterThanOrEqual(1);
        expect(fn.startLine).toBeLessThanOrEqual(fn.nameLine);
        expect(fn.nameLine).toBeLessThanOrEqual(fn.endLine);
        expect(fn.endLine).toBeLessThanOrEqual(lineCount);
        expect(fn.text.split('\n').length).toBe(fn.endLine - fn.startLine + 1);
      }
      const a = analyzeText('mm/fuzz.c', text);
      for (const f of [...a.findings, ...a.incomplete]) {
        expect(f.file).toBe('mm/fuzz.c');
        expect(f.line).toBeGreaterThanOrEqual(1);
        expect(f.line).toBeLessThanOrEqual(lineCount);
      }
      expect(analyzeText('mm/fuzz.c', text)).toEqual(a);
      analyzeText('mm/fuzz.c', text, { partlyVisible: () => true, prefilter: false });
    });
  });

  it('deep nesting and huge lines end', () => {
    const deep = `static int f(pte_t *ptep)\n{\n${'{'.repeat(10_000)}\n\tpte = pte_mkwrite(pte, vma);\n${'}'.repeat(10_000)}\n\tset_pte_at(mm, a, ptep, pte);\n}\n`;
    const parens = `static int g(pte_t *ptep)\n{\n\tpte = ${'('.repeat(5000)}pte_mkwrite(pte, vma)${')'.repeat(5000)};\n\tset_pte_at(mm, a, ptep, pte);\n}\n`;
    const ifs = `static int h(pte_t *ptep)\n{\n${'\tif (x) {\n'.repeat(3000)}\tpte = pte_mkwrite(pte, vma);\n${'\t}\n'.repeat(3000)}\tset_pte_at(mm, a, ptep, pte);\n}\n`;
    const huge = `static int k(pte_t *ptep)\n{\n\tpte = pte_mkwrite(pte, vma); /* ${'x'.repeat(5_000_000)} */\n\tset_pte_at(mm, a, ptep, pte);\n}\n`;
    const unclosed = `#if 1\n${'/*'.repeat(1000)}\nstatic int u(void)\n{\n${'"'.repeat(1001)}\n`;
    for (const [name, text] of Object.entries({ deep, parens, ifs, huge, unclosed })) {
      const r = analyzeText(`${name}.c`, text, { prefilter: false });
      for (const f of [...r.findings, ...r.incomplete]) expect(f.file).toBe(`${name}.c`);
      expect(r.functions).toBeLessThanOrEqual(1);
    }
  });
});
