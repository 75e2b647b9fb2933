// The four linux-mm threads ptelint comes from (the seed mails of test/inputs.ts), read as archived.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPatchFile } from '../../src/input/patch/index.js';
import { missingSeeds, seed } from '../inputs.js';
import { countLines } from './helpers.js';

const noSeeds = missingSeeds();
const inputLines = (name: string) => readFileSync(seed(name), 'utf8').split('\n');

describe.skipIf(noSeeds)('seed 003: a patch mail whose archive dropped the leading space of context lines', () => {
  const name = '003_76a2b6702c6d1556.txt';

  it('is one patch touching mm/huge_memory.c and mm/migrate.c with three hunks', async () => {
    const result = await readPatchFile(seed(name));
    expect(result.errors).toEqual([]);
    expect(result.patches).toHaveLength(1);
    const [patch] = result.patches;
    expect(patch.errors).toEqual([]);
    expect(patch.index).toBe(1);
    expect(patch.subject).toBe(
      '[PATCH mm-unstable v1] mm: don\'t check VMA write permissions if the PTE/PMD indicates write permissions',
    );
    expect(patch.files.map((f) => [f.oldPath, f.newPath, f.binary])).toEqual([
      ['mm/huge_memory.c', 'mm/huge_memory.c', false],
      ['mm/migrate.c', 'mm/migrate.c', false],
    ]);
    const hunks = patch.files.flatMap((f) => f.hunks);
    expect(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines, h.section])).toEqual([
      [2234, 7, 2234, 7, 'static void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd,'],
      [3271, 7, 3271, 7, 'void remove_migration_pmd(struct page_vma_mapped_walk *pvmw, struct page *new)'],
      [213, 16, 213, 13, 'static bool remove_migration_pte(struct folio *folio,'],
    ]);
    for (const h of hunks) expect(countLines(h.lines)).toEqual({ old: h.oldLines, new: h.newLines });
  });

  it('reads `} else {` (no prefix) in the first hunk as context, and +/- lines as changes', async () => {
    const [patch] = (await readPatchFile(seed(name))).patches;
    const first = patch.files[0].hunks[0];
    expect(first.lines[0]).toMatchObject({ kind: ' ', text: '} else {' });
    expect(first.lines.filter((l) => l.kind === '-').map((l) => l.text.trim())).toEqual([
      'entry = maybe_mkwrite(entry, vma);',
    ]);
    expect(first.lines.filter((l) => l.kind === '+').map((l) => l.text.trim())).toEqual(['entry = pte_mkwrite(entry);']);
    // The blank context line of the third hunk, reduced to an empty line, is a context line too.
    const third = patch.files[1].hunks[0];
    expect(third.lines[2]).toMatchObject({ kind: ' ', text: '' });
    expect(third.lines.filter((l) => l.kind === '-')).toHaveLength(4);
  });

  it('gives every line its input line', async () => {
    const [patch] = (await readPatchFile(seed(name))).patches;
    const text = inputLines(name);
    for (const f of patch.files) {
      expect(text[f.inputLine - 1]).toMatch(/^diff --git /);
      for (const h of f.hunks) {
        expect(text[h.inputLine - 1]).toMatch(/^@@ -/);
        for (const l of h.lines) {
          // A context line is read with or without its prefix space; changes always have theirs.
          const expected = l.kind === ' ' ? [l.text, ' ' + l.text] : [l.kind + l.text];
          expect(expected).toContain(text[l.inputLine - 1]);
        }
      }
    }
  });
});

describe.skipIf(noSeeds)('seed 000: a review reply quoting a diff with `>> `', () => {
  const name = '000_078595668a4d2aee.txt';

  it('yields the quoted hunk of mm/rmap.c and no error', async () => {
    const result = await readPatchFile(seed(name));
    expect(result.errors).toEqual([]);
    expect(result.patches).toHaveLength(1);
    const [patch] = result.patches;
    expect(patch.errors).toEqual([]);
    expect(patch.subject).toBe('[PATCH] mm/rmap: fix incorrect pte restoration for lazyfree folios');
    expect(patch.files).toHaveLength(1);
    const [file] = patch.files;
    expect([file.oldPath, file.newPath]).toEqual(['mm/rmap.c', 'mm/rmap.c']);
    expect(file.hunks).toHaveLength(1);
    const [hunk] = file.hunks;
    expect([hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines]).toEqual([2150, 6, 2150, 16]);
    expect(countLines(hunk.lines)).toEqual({ old: 6, new: 16 });
    expect(hunk.lines.filter((l) => l.kind === '+').map((l) => l.text.trim())).toContain('pteval = pte_wrprotect(pteval);');
    // `>> /* Nuke the page table entry. */` lost its leading space: a context line.
    expect(hunk.lines[1]).toMatchObject({ kind: ' ', text: '/* Nuke the page table entry. */' });
    const text = inputLines(name);
    expect(text[file.inputLine - 1]).toBe('>> diff --git a/mm/rmap.c b/mm/rmap.c');
    expect(text[hunk.inputLine - 1]).toMatch(/^>> @@ -2150,6 \+2150,16 @@/);
    const added = hunk.lines.find((l) => l.text.includes('pte_wrprotect'))!;
    expect(text[added.inputLine - 1]).toBe('>> + pteval = pte_wrprotect(pteval);');
  });
});

describe.skipIf(noSeeds)('seeds 001 and 002: review prose without a diff', () => {
  it.each(['001_e4f5635063f6af27.txt', '002_80c2c555699633bc.txt'])('%s gives no patch and a "no diff" error', async (name) => {
    const result = await readPatchFile(seed(name));
    expect(result.patches).toEqual([]);
    expect(result.errors).toEqual([{ input: seed(name), message: `no diff found in ${seed(name)}` }]);
  });
});
