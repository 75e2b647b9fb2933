// Patch mode without a tree: a hunk that deletes a carry (`if (pte_swp_uffd_wp(old)) pte =
// pte_mkuffd_wp(pte);`) and adds none back is the typical one-line loss; the full analyses
// cannot see the old entry's read or the new entry's construction from 3 lines of context, but
// the deletion itself is in the hunk (src/engine/patch-mode/hunk-carries.ts). The shape is a migration-entry
// restore in the kernel's idiom, long enough that no hunk shows it whole.

import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import type { PatchFinding } from '../../src/finding.js';
import { gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const FILLER = Array.from({ length: 8 }, (_, i) => `\tcount_step(vma, ${i});`).join('\n');

const RESTORE = `static bool restore_one(struct folio *folio, struct vm_area_struct *vma,
		unsigned long addr, pte_t *ptep)
{
	pte_t old_pte = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old_pte);
	pte_t pte;

${FILLER}
	pte = mk_pte(folio_page(folio, 0), READ_ONCE(vma->vm_page_prot));
	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
${FILLER}
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old_pte))
		pte = pte_mkuffd_wp(pte);
${FILLER}
	set_pte_at(vma->vm_mm, addr, ptep, pte);
	return true;
}
`;

const UFFD_CARRY = '\telse if (pte_swp_uffd_wp(old_pte))\n\t\tpte = pte_mkuffd_wp(pte);\n';
const SD_CARRY = '\tif (pte_swp_soft_dirty(old_pte))\n\t\tpte = pte_mksoft_dirty(pte);\n';

async function patchFindings(before: string, after: string, withTree = false): Promise<PatchFinding[]> {
  const dir = tempDir();
  writeFiles(dir, { 'tree/mm/migrate.c': before, 'p.patch': gitDiff(before, after, 'mm/migrate.c') });
  const run = await runPatch({ inputs: [path.join(dir, 'p.patch')], ...(withTree ? { tree: path.join(dir, 'tree') } : {}) });
  expect(run.result.errors).toEqual([]);
  return run.result.findings;
}

const brief = (fs: PatchFinding[]) => fs.map((f) => `${f.status} ${f.rule} ${f.function}`);

describe('carries a hunk removes or adds (no tree)', () => {
  test('a deleted uffd-wp carry is introduced, named with its test, at the deletion', async () => {
    const found = await patchFindings(RESTORE, replaceOnce(RESTORE, UFFD_CARRY, ''));
    expect(brief(found)).toEqual(['introduced uffd-wp-propagate restore_one']);
    expect(found[0].message).toContain('pte_mkuffd_wp() (under pte_swp_uffd_wp(old_pte))');
    expect(found[0].partial).toBe(true);
    // The line after the deletion in the post-image: set by git as the hunk's changed position.
    const post = replaceOnce(RESTORE, UFFD_CARRY, '').split('\n');
    expect(post[found[0].line - 1]).toMatch(/count_step|set_pte_at|^\s*$/);
  });

  test('a deleted soft-dirty carry is introduced for soft-dirty-propagate', async () => {
    expect(brief(await patchFindings(RESTORE, replaceOnce(RESTORE, SD_CARRY, '')))).toEqual(['introduced soft-dirty-propagate restore_one']);
  });

  test('the patch that adds the carry back is reported fixed', async () => {
    expect(brief(await patchFindings(replaceOnce(RESTORE, UFFD_CARRY, ''), RESTORE))).toEqual(['fixed uffd-wp-propagate restore_one']);
  });

  test('a carry respelled or moved within the function is neither', async () => {
    const respelled = replaceOnce(RESTORE, UFFD_CARRY, '\telse if (pte_swp_uffd_wp(old_pte)) {\n\t\tpte = pte_mkuffd_wp(pte);\n\t}\n');
    expect(brief(await patchFindings(RESTORE, respelled))).toEqual([]);
  });

  test('a uffd-wp carry under a writable source carries nothing: removing it is not a loss', async () => {
    const writableArm = replaceOnce(RESTORE, '\t\tpte = pte_mkwrite(pte, vma);\n', '\t\tpte = pte_mkwrite(pte, vma);\n\tif (is_writable_migration_entry(entry) && pte_swp_uffd_wp(old_pte))\n\t\tpte = pte_mkuffd_wp(pte);\n');
    const dropped = replaceOnce(writableArm, '\tif (is_writable_migration_entry(entry) && pte_swp_uffd_wp(old_pte))\n\t\tpte = pte_mkuffd_wp(pte);\n', '');
    expect(brief(await patchFindings(writableArm, dropped))).toEqual([]);
  });

  test('with the tree the full analysis decides, and reports the loss at the new entry', async () => {
    const found = await patchFindings(RESTORE, replaceOnce(RESTORE, UFFD_CARRY, ''), true);
    expect(brief(found)).toEqual(['introduced uffd-wp-propagate restore_one']);
    expect(found[0].message).not.toContain('judged from the hunks');
    expect(found[0].partial).toBe(false);
  });
});

describe('uffd-wp clears for an unregistered destination (R4, no tree)', () => {
  const COPY = `static int copy_one(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t orig_pte = ptep_get(src_pte);
	pte_t pte = orig_pte;

${FILLER}
	if (!userfaultfd_wp(dst_vma))
		pte = pte_swp_clear_uffd_wp(pte);
${FILLER}
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
	return 0;
}
`;
  test('a deleted clear is introduced; the async resolve of a registered VMA is not a clear', async () => {
    const found = await patchFindings(COPY, replaceOnce(COPY, '\tif (!userfaultfd_wp(dst_vma))\n\t\tpte = pte_swp_clear_uffd_wp(pte);\n', ''));
    expect(brief(found)).toEqual(['introduced uffd-wp-clear-on-unregistered-dst copy_one']);
    const resolve = replaceOnce(COPY, '!userfaultfd_wp(dst_vma)', 'userfaultfd_wp_async(dst_vma)');
    expect(brief(await patchFindings(resolve, replaceOnce(resolve, '\tif (userfaultfd_wp_async(dst_vma))\n\t\tpte = pte_swp_clear_uffd_wp(pte);\n', '')))).toEqual([]);
  });
});

describe('fork copies (R7, R8, no tree)', () => {
  const FORK = `static int copy_one_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	struct mm_struct *src_mm = src_vma->vm_mm;
	pte_t pte = ptep_get(src_pte);

	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

${FILLER}
		if (pte_swp_exclusive(pte)) {
			pte = pte_swp_clear_exclusive(pte);
			set_pte_at(src_mm, addr, src_pte, pte);
		}
${FILLER}
		set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
		return 0;
	}
${FILLER}
	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(src_mm, addr, src_pte);
		pte = pte_wrprotect(pte);
	}
${FILLER}
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
	return 0;
}
`;
  test('a dropped parent write-protect is introduced for cow-copy-wrprotect', async () => {
    const found = await patchFindings(FORK, replaceOnce(FORK, '\t\tptep_set_wrprotect(src_mm, addr, src_pte);\n', ''));
    expect(brief(found)).toEqual(['introduced cow-copy-wrprotect copy_one_pte']);
    expect(found[0].message).toContain('ptep_set_wrprotect() (under is_cow_mapping(src_vma->vm_flags) && pte_write(pte))');
  });

  test('a dropped swap-exclusive clear is introduced for fork-exclusive-clear', async () => {
    const found = await patchFindings(FORK, replaceOnce(FORK, '\t\t\tpte = pte_swp_clear_exclusive(pte);\n', ''));
    expect(brief(found).filter((b) => b.includes('fork-exclusive-clear'))).toEqual(['introduced fork-exclusive-clear copy_one_pte']);
  });
});
