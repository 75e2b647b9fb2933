// Inputs the fuzzers found that broke ptelint, kept as plain tests (fixed; see each case).

import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';
import { partialImages } from '../../src/input/images/partial.js';

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
