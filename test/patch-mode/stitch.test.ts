// Patch mode without a tree: the hunks of one function are stitched into one body
// (src/input/images/fragment.ts), the hidden lines between them an opaque gap statement
// (src/analysis/gap.ts). The shape is seed 000's batched lazyfree unmap: the batch is cleared with
// get_and_clear_ptes() in one hunk and the merged value restored with set_ptes() some 90 lines
// below, in another hunk. Fixtures are written here in the kernel's idiom.

import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import type { PatchFinding } from '../../src/finding.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mutateFunction } from '../corpus/mutate.js';
import { gitDiff, kernelTree, missingKernelTree, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

/** `n` statements a reviewer does not need to see (they keep the hunks far apart). */
function filler(tag: string, n: number, indent = '\t\t'): string {
  return Array.from({ length: n }, (_, i) => `${indent}account_${tag}(vma, address, ${i});`).join('\n');
}

const UNMAP = `static bool unmap_one_lazyfree(struct folio *folio, struct vm_area_struct *vma,
		unsigned long address, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, 0);
	unsigned long nr_pages = 1;
	bool ret = true;
	pte_t pteval;

	while (page_vma_mapped_walk(&pvmw)) {
		address = pvmw.address;
${filler('walk', 12)}
		if (folio_test_anon(folio) && !folio_test_swapbacked(folio))
			nr_pages = folio_unmap_batch(folio, &pvmw, vma);
		flush_cache_range(vma, address, address + nr_pages * PAGE_SIZE);
		pteval = ptep_get_and_clear(mm, address, pvmw.pte);
		if (pte_dirty(pteval))
			folio_mark_dirty(folio);
${filler('flush', 40)}
		if (folio_test_anon(folio) && !folio_test_swapbacked(folio)) {
			int ref_count, map_count;

			smp_mb();
			ref_count = folio_ref_count(folio);
			map_count = folio_mapcount(folio);
${filler('count', 30)}
			if (ref_count != 1 + map_count || folio_test_dirty(folio)) {
				set_pte_at(mm, address, pvmw.pte, pteval);
				ret = false;
				page_vma_mapped_walk_done(&pvmw);
				break;
			}
			add_mm_counter(mm, MM_ANONPAGES, -nr_pages);
			goto discard;
		}
${filler('tail', 6)}
discard:
		folio_remove_rmap_ptes(folio, folio_page(folio, 0), nr_pages, vma);
	}
	return ret;
}
`;

const CLEAR = '\t\tpteval = ptep_get_and_clear(mm, address, pvmw.pte);\n';
const RESTORE = '\t\t\t\tset_pte_at(mm, address, pvmw.pte, pteval);\n';

/** The batching conversion: clear the batch, restore the merged value to all of it. */
function batched(text: string, restore: string): string {
  const cleared = replaceOnce(text, CLEAR, '\t\tpteval = get_and_clear_ptes(mm, address, pvmw.pte, nr_pages);\n');
  return replaceOnce(cleared, RESTORE, restore);
}

const BUG = batched(UNMAP, '\t\t\t\tset_ptes(mm, address, pvmw.pte, pteval, nr_pages);\n');
const WRPROTECTED_RESTORE = '\t\t\t\tpteval = pte_wrprotect(pteval);\n\t\t\t\tset_ptes(mm, address, pvmw.pte, pteval, nr_pages);\n';
const FIXED = batched(UNMAP, WRPROTECTED_RESTORE);
/** The fix as posted: the restore write-protected, and a comment at the clear saying why. */
const FIX = replaceOnce(
  replaceOnce(BUG, '\t\t\t\tset_ptes(mm, address, pvmw.pte, pteval, nr_pages);\n', WRPROTECTED_RESTORE),
  '\t\tpteval = get_and_clear_ptes(',
  '\t\t/* The batch may mix writable and read-only PTEs: restore it read-only. */\n\t\tpteval = get_and_clear_ptes(',
);

/** Both hunks edited without changing what the function does to the entries. */
function refactor(text: string): string {
  const flushed = replaceOnce(text, '\t\tflush_cache_range(vma, address, address + nr_pages * PAGE_SIZE);\n', '\t\tflush_cache_range(vma, address, address + (nr_pages << PAGE_SHIFT));\n');
  return replaceOnce(flushed, '\t\t\t\tret = false;\n\t\t\t\tpage_vma_mapped_walk_done(&pvmw);\n', '\t\t\t\tpage_vma_mapped_walk_done(&pvmw);\n\t\t\t\tret = false;\n');
}

async function patch(before: string, after: string): Promise<PatchFinding[]> {
  const diff = gitDiff(before, after, 'mm/rmap.c');
  const dir = tempDir();
  const file = path.join(dir, 'change.patch');
  writeFiles(dir, { 'change.patch': diff });
  const run = await runPatch({ inputs: [file] });
  expect(run.result.errors).toEqual([]);
  return run.result.findings;
}

function introduced(findings: PatchFinding[]): string[] {
  return findings.filter((f) => f.status === 'introduced').map((f) => `${f.rule} ${f.function}`);
}

describe('hunks of one function stitched into one body', () => {
  test('the two hunks are far apart (the shape needs stitching)', () => {
    const diff = gitDiff(UNMAP, BUG, 'mm/rmap.c');
    const starts = [...diff.matchAll(/^@@ -(\d+)/gm)].map((m) => Number(m[1]));
    expect(starts.length).toBe(2);
    expect(starts[1] - starts[0]).toBeGreaterThan(70);
  });

  test('a merged batch restored in a later hunk is introduced from hunks alone', async () => {
    const findings = await patch(UNMAP, BUG);
    const merged = findings.filter((f) => f.rule === 'batch-merged-restore');
    expect(merged.map((f) => [f.status, f.function, f.partial])).toEqual([['introduced', 'unmap_one_lazyfree', true]]);
    expect(merged[0].message).toMatch(/get_and_clear_ptes\(\) at line \d+/);
    expect(introduced(findings)).toEqual(['batch-merged-restore unmap_one_lazyfree']);
  });

  test('its fix (the merged value write-protected) is reported fixed, and the fixed form introduces nothing', async () => {
    const fix = await patch(BUG, FIX);
    expect(fix.filter((f) => f.status !== 'unchanged').map((f) => `${f.status} ${f.rule}`)).toEqual(['fixed batch-merged-restore']);
    expect(introduced(await patch(UNMAP, FIXED))).toEqual([]);
  });

  test('a harmless refactor of both hunks is silent, on the batched and on the unbatched function', async () => {
    for (const text of [UNMAP, BUG, FIXED]) {
      const diff = gitDiff(text, refactor(text), 'mm/rmap.c');
      expect(diff.match(/^@@/gm)?.length).toBe(2);
      expect((await patch(text, refactor(text))).filter((f) => f.status !== 'unchanged')).toEqual([]);
    }
  });
});

// The same shape in the real try_to_unmap_one() of the 6.12 and 6.1 trees, edited in memory at
// test time (never committed): the lazyfree path's clear becomes a batch clear and the redirtied
// folio's restore a batch restore, some 100 lines apart.
describe.each(['6.12', '6.1'] as const)('stitched hunks of the real try_to_unmap_one() (%s)', (version) => {
  const pristine = () => readFileSync(path.join(kernelTree(version), 'mm/rmap.c'), 'utf8');
  const CLEAR_REAL = 'pteval = ptep_get_and_clear(mm, address, pvmw.pte);';
  const RESTORE_REAL = '\t\t\t\t * discarded. Remap the page to page table.\n\t\t\t\t */\n\t\t\t\tset_pte_at(mm, address, pvmw.pte, pteval);';
  const edit = (text: string, find: string, replace: string) => mutateFunction(text, 'try_to_unmap_one', find, replace).text;
  const bugOf = (text: string) =>
    edit(edit(text, CLEAR_REAL, 'pteval = get_and_clear_ptes(mm, address, pvmw.pte, nr_pages);'), RESTORE_REAL, RESTORE_REAL.replace('set_pte_at(mm, address, pvmw.pte, pteval);', 'set_ptes(mm, address, pvmw.pte, pteval, nr_pages);'));

  async function patchOf(before: string, after: string): Promise<PatchFinding[]> {
    expect(gitDiff(before, after, 'mm/rmap.c').match(/^@@/gm)?.length, 'a multi-hunk patch').toBeGreaterThan(1);
    return patch(before, after);
  }

  test.skipIf(missingKernelTree(version))('the batch conversion is introduced from hunks alone, in try_to_unmap_one()', async () => {
    const text = pristine();
    const bug = bugOf(text);
    const all = await patchOf(text, bug);
    const found = all.filter((f) => f.status === 'introduced');
    expect(found.map((f) => `${f.rule} ${f.function}`)).toEqual(['batch-merged-restore try_to_unmap_one']);
    expect(bug.split('\n')[found[0].line - 1]).toContain('set_ptes(mm, address, pvmw.pte, pteval, nr_pages);');
  });

  test.skipIf(missingKernelTree(version))('the fix (the restore write-protected, the clear commented) is seen fixing; a comment-only edit of both places is silent', async () => {
    const bug = bugOf(pristine());
    const fixed = edit(
      edit(bug, 'set_ptes(mm, address, pvmw.pte, pteval, nr_pages);', 'set_ptes(mm, address, pvmw.pte, pte_wrprotect(pteval), nr_pages);'),
      'pteval = get_and_clear_ptes(',
      '/* The batch may mix writable and read-only PTEs. */\n\t\t\t\tpteval = get_and_clear_ptes(',
    );
    const fix = await patchOf(bug, fixed);
    expect(fix.filter((f) => f.status !== 'unchanged').map((f) => `${f.status} ${f.rule} ${f.function}`)).toEqual(['fixed batch-merged-restore try_to_unmap_one']);
    const reworded = edit(edit(fixed, ' * discarded. Remap the page to page table.', ' * discarded: map the page again.'), '/* The batch may mix', '/* A batch may mix');
    expect((await patchOf(fixed, reworded)).filter((f) => f.status !== 'unchanged')).toEqual([]);
  });
});
