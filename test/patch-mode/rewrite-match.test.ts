// Findings matched across a rewrite (src/engine/patch-mode/delta.ts): after exact fingerprint matching, a
// leftover post-image finding and a leftover pre-image finding with the same rule, function,
// message id and reported call are the same finding. A refactor that moves a flagged expression
// into a declaration is neither a fix nor a new bug; a real fix or a new bug still reads as one.

import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

// An unjustified grant (pte-write-grant-unjustified): write permission from the VMA alone on a
// migration restore, written as an assignment to the restored value.
const before = `static void restore_one(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *new)
{
	pte_t old = ptep_get(ptep);
	pte_t pte = mk_pte(new, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	else
		pte = pte_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}
`;

/** The same grant moved into a declaration: a refactor. */
const moved = replaceOnce(
  replaceOnce(before, '\telse\n\t\tpte = pte_mkwrite(pte, vma);\n\tset_pte_at(vma->vm_mm, addr, ptep, pte);',
    '\telse {\n\t\tpte_t writable = pte_mkwrite(pte, vma);\n\n\t\tpte = writable;\n\t}\n\tset_pte_at(vma->vm_mm, addr, ptep, pte);'),
  'static void restore_one(', 'static void restore_one(');

/** The grant made conditional on the source entry: a real fix. */
const fixed = replaceOnce(before, '\telse\n\t\tpte = pte_mkwrite(pte, vma);',
  '\telse if (is_writable_migration_entry(pte_to_swp_entry(old)))\n\t\tpte = pte_mkwrite(pte, vma);');

async function statuses(after: string, withTree: boolean): Promise<string[]> {
  const dir = tempDir();
  writeFiles(dir, { 'tree/mm/migrate.c': before, 'p.patch': gitDiff(before, after, 'mm/migrate.c') });
  const run = await runPatch({ inputs: [path.join(dir, 'p.patch')], ...(withTree ? { tree: path.join(dir, 'tree') } : {}) });
  expect(run.result.errors).toEqual([]);
  return run.result.findings
    .filter((f) => f.rule === 'pte-write-grant-unjustified')
    .map((f) => `${f.status} ${f.function}`);
}

describe('a flagged expression moved into a declaration', () => {
  test.each([
    ['with a tree', true],
    ['without a tree', false],
  ])('%s: the grant is unchanged, not fixed and introduced', async (_name, withTree) => {
    expect(await statuses(moved, withTree)).toEqual(['unchanged restore_one']);
  });

  test('a real fix still reads as fixed', async () => {
    expect(await statuses(fixed, true)).toEqual(['fixed restore_one']);
  });

  test('a second grant the rewrite adds is still introduced', async () => {
    const twice = replaceOnce(moved, '\t\tpte = writable;', '\t\tpte = pte_mkwrite(writable, vma);');
    expect((await statuses(twice, true)).sort()).toEqual(['introduced restore_one', 'unchanged restore_one']);
  });
});
