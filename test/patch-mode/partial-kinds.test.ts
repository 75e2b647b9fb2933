// R6 (present-swap-accessor-mismatch) on functions rebuilt from hunks: a definition above the hunk
// is invisible, so a conditional definition seen alone does not give a value its kind (6.1
// remove_migration_pte(): `pte = swp_entry_to_pte(entry)` in the device-private arm, then
// `pte = pte_mkhuge(pte)` for hugetlb, where the value came from `mk_pte()` above the hunk). A
// transform of the value itself (`pte = pte_swp_mksoft_dirty(pte)`) still says what it was: the
// ebdf8321eeeb bug (a present setter on the rebuilt device-private entry) is found from the hunk.

import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const RULE = 'present-swap-accessor-mismatch';
const FILLER = Array.from({ length: 8 }, (_, i) => `\t\tcount_step(vma, ${i});`).join('\n');

const RESTORE = `static bool restore_one(struct folio *folio, struct vm_area_struct *vma,
		unsigned long addr, pte_t *ptep, struct page *new)
{
	pte_t old_pte = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old_pte);
	pte_t pte;

	pte = pte_mkold(mk_pte(new, READ_ONCE(vma->vm_page_prot)));
${FILLER}
	if (unlikely(is_device_private_page(new))) {
		entry = make_readable_device_private_entry(page_to_pfn(new));
		pte = swp_entry_to_pte(entry);
${FILLER}
		if (pte_swp_soft_dirty(old_pte))
			pte = pte_swp_mksoft_dirty(pte);
		if (pte_swp_uffd_wp(old_pte))
			pte = pte_swp_mkuffd_wp(pte);
	}
	if (folio_test_hugetlb(folio)) {
		pte = pte_mkhuge(pte);
		set_huge_pte_at(vma->vm_mm, addr, ptep, pte, PAGE_SIZE);
		return true;
	}
${FILLER}
	set_pte_at(vma->vm_mm, addr, ptep, pte);
	return true;
}
`;

async function findings(before: string, after: string) {
  const dir = tempDir();
  writeFiles(dir, { 'p.patch': gitDiff(before, after, 'mm/migrate.c') });
  const run = await runPatch({ inputs: [path.join(dir, 'p.patch')] });
  expect(run.result.errors).toEqual([]);
  return run.result.findings.filter((f) => f.rule === RULE).map((f) => `${f.status} ${f.function}`);
}

describe('entry kinds from hunks alone', () => {
  test('a present transform after a conditional swap definition is not judged (the present one is above the hunk)', async () => {
    const after = replaceOnce(RESTORE, '\t\tpte = pte_mkhuge(pte);\n', '\t\tpte = pte_mkhuge(pte);\n\t\tpte = pte_mkyoung(pte);\n');
    expect(await findings(RESTORE, after)).toEqual([]);
  });

  test('a present setter on the rebuilt device-private entry is introduced (ebdf8321eeeb)', async () => {
    // As in the kernel, the rebuild is within the hunk's context of the setter.
    const before = replaceOnce(RESTORE, `\t\tpte = swp_entry_to_pte(entry);\n${FILLER}\n`, '\t\tpte = swp_entry_to_pte(entry);\n');
    const after = replaceOnce(before, '\t\t\tpte = pte_swp_mkuffd_wp(pte);', '\t\t\tpte = pte_mkuffd_wp(pte);');
    expect(await findings(before, after)).toEqual(['introduced restore_one']);
  });
});
