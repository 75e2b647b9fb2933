// Inputs the fuzzers found that broke ptelint, kept as plain tests (fixed; see each case).

import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';
import { partialImages } from '../../src/input/images/partial.js';
import { analyzeText } from '../../src/engine/analyze.js';

describe('fuzz regressions', () => {
  // Found by reader-damaged (at its CI seed): a context line `}` followed by 20,000 letters (a
  // line run on by a mailer) made the fragment rebuilder's `} name;` test backtrack
  // exponentially: partialImages() never returned.
  it('a closing brace followed by a very long word ends', async () => {
    const diff = [
      'diff --git a/mm/demo.c b/mm/demo.c',
      '--- a/mm/demo.c',
      '+++ b/mm/demo.c',
      '@@ -14,4 +14,5 @@',
      ' \tentry = swp_entry_to_pte(swp);',
      ' \tspin_lock(ptl);',
      ' }' + 'x'.repeat(100_000),
      '-',
      '+\tif (pte_swp_uffd_wp(orig))',
      '+\t\tentry = pte_swp_mkuffd_wp(entry);',
      '',
    ].join('\n');
    const read = await readPatchText('long-word.patch', diff);
    expect(read.errors).toEqual([]);
    const [file] = read.patches[0].files;
    const images = partialImages('long-word.patch', file, 'mm/demo.c');
    expect(images.errors).toEqual([]);
    expect(images.post?.text.split('\n')[14]).toBe('\tspin_lock(ptl);');
  });
});

describe('fuzz regressions: deep nesting', () => {
  // Found by the lang fuzz suite's nesting case: 10,000 nested `{` (or 3,000 nested `if`) overflowed
  // the stack of the recursive function model, and the RangeError escaped analyzeText().
  const fn = (name: string, open: string, close: string, n: number): string =>
    `static int ${name}(struct vm_area_struct *vma, pte_t *ptep, pte_t pte)\n{\n${open.repeat(n)}\tpte = pte_mkwrite(pte, vma);\n${close.repeat(n)}\tset_pte_at(vma->vm_mm, 0, ptep, pte);\n\treturn 0;\n}\n`;

  it('a function nested deeper than the analyses go is incomplete, with the reason, and the file goes on', () => {
    const text = fn('demo_deep', '{\n', '}\n', 10_000) + fn('demo_ifs', '\tif (pte_none(pte)) {\n', '\t}\n', 3000) + fn('demo_flat', '', '', 0);
    const r = analyzeText('mm/deep.c', text, { prefilter: false });
    expect(r.incomplete.map((i) => [i.function, /^nested \d+ syntax levels deep, more than the 400 analyzed$/.test(i.reason)])).toEqual([
      ['demo_deep', true],
      ['demo_ifs', true],
    ]);
    expect(r.functionNames).toEqual(['demo_deep', 'demo_ifs', 'demo_flat']);
  });

  it('nesting just under the bound is analyzed as usual', () => {
    const r = analyzeText('mm/deep.c', fn('demo_deep', '{\n', '}\n', 390), { prefilter: false });
    expect(r.incomplete).toEqual([]);
    expect(r.findings.map((f) => f.function)).toEqual(['demo_deep']);
  });
});
