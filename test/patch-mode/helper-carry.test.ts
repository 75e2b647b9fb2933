// From hunks alone, a carry moved into a helper the patch adds is not a lost carry: the helper's
// body is in the post-image, and its carries count at its call site, per kind of entry (a helper
// that carries the bit for present entries only does not cover the swap arm).

import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

// An unmap that encodes a present or a swap PTE into a migration entry (the shape of
// try_to_migrate_one() / migrate_vma_collect_pmd()), with a carry in each arm. Padding keeps the
// hunks apart from the installer, as in the real functions; the helper is added above an unrelated
// function, in a hunk of its own.
const padding = Array.from({ length: 12 }, (_, i) => `\tcount_vm_event(PGMIGRATE_STEP${i});`).join('\n');
const before = `static int other(int x)
{
	return x + 1;
}

static void unmap_one(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *page)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);
	swp_entry_t entry = make_readable_migration_entry(page_to_pfn(page));
	pte_t swp_pte = swp_entry_to_pte(entry);

${padding}
	if (pte_present(pteval)) {
		if (pte_uffd_wp(pteval))
			swp_pte = pte_swp_mkuffd_wp(swp_pte);
	} else {
		if (pte_swp_uffd_wp(pteval))
			swp_pte = pte_swp_mkuffd_wp(swp_pte);
	}
${padding}
	set_pte_at(vma->vm_mm, addr, ptep, swp_pte);
}
`;

const presentHelper = `static pte_t carry_present_uffd(pte_t pteval, pte_t swp_pte)
{
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	return swp_pte;
}

`;

async function introduced(after: string): Promise<string[]> {
  const dir = tempDir();
  writeFiles(dir, { 'p.patch': gitDiff(before, after, 'mm/rmap.c') });
  const run = await runPatch({ inputs: [path.join(dir, 'p.patch')], only: ['uffd-wp-propagate'] });
  expect(run.result.errors).toEqual([]);
  return run.result.findings.filter((f) => f.status === 'introduced').map((f) => `${f.function} ${f.partial}`);
}

describe('a carry moved into a new helper', () => {
  test('the present carry moved into a helper that carries it: not lost', async () => {
    const after = replaceOnce(
      replaceOnce(before, '\t\tif (pte_uffd_wp(pteval))\n\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n',
        '\t\tswp_pte = carry_present_uffd(pteval, swp_pte);\n'),
      'static int other(', `${presentHelper}static int other(`);
    expect(await introduced(after)).toEqual([]);
  });

  test('the swap carry replaced by the present-only helper: lost on the swap arm', async () => {
    const after = replaceOnce(
      replaceOnce(before, '\t\tif (pte_swp_uffd_wp(pteval))\n\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n',
        '\t\tswp_pte = carry_present_uffd(pteval, swp_pte);\n'),
      'static int other(', `${presentHelper}static int other(`);
    expect(await introduced(after)).toEqual(['unmap_one true']);
  });

  test('the carry deleted with no helper: lost', async () => {
    const after = replaceOnce(before, '\t\tif (pte_uffd_wp(pteval))\n\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', '');
    expect(await introduced(after)).toEqual(['unmap_one true']);
  });
});
