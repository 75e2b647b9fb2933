// The API table's older and newer spellings (src/analysis/kernel-api/table.ts): each is recognised in
// its role, carries its version tag, and changes what the rules report on code that spells it.

import { describe, expect, test } from 'vitest';
import * as api from '../../src/analysis/kernel-api.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { allRules } from '../../rules/index.js';

/** The roles of `name` in the table, with its value-flow effect. */
function rolesOf(name: string): string[] {
  const entry = api.apiOf(name);
  return [...api.roleOf(name), ...(entry ? [`effect:${entry.effect}`] : [])];
}

function check(code: string, version: string, rule: string): string[] {
  const rules = allRules.filter((r) => r.meta.id === rule);
  const kernelVersion = parseKernelVersion(version)!;
  return analyzeText('t.c', code, { rules, kernelVersion }).findings.map((f) => `${f.line}:${f.message}`);
}

describe('older spellings (5.x swap entry API, before 4dd845b5a3e5 in 5.14)', () => {
  test('is_write_migration_entry / is_write_device_private_entry are source-write and type predicates', () => {
    for (const name of ['is_write_migration_entry', 'is_write_device_private_entry']) {
      expect(rolesOf(name)).toEqual(expect.arrayContaining(['entry-type-write-test', 'swapTypeTest']));
      expect(api.apiSpec(name)).toMatchObject({ until: [5, 14] });
      expect(api.apiSpec(name)?.since).toBeUndefined();
    }
  });

  test('make_migration_entry(page, write) grants unless write is 0, justified by a source-write argument', () => {
    const fn = (write: string) => `static void f(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);
	swp_entry_t entry = make_migration_entry(page, ${write});
	pte_t swp_pte = swp_entry_to_pte(entry);

	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at(vma->vm_mm, addr, ptep, swp_pte);
}
`;
    expect(check(fn('1'), '5.10', 'pte-write-grant-unjustified')).toEqual([
      '4:make_migration_entry() encodes a writable entry without testing whether the source entry was writable',
    ]);
    expect(check(fn('pte_write(pteval)'), '5.10', 'pte-write-grant-unjustified')).toEqual([]);
    expect(check(fn('0'), '5.10', 'pte-write-grant-unjustified')).toEqual([]);
    expect(api.roleData('make_device_private_entry', 'writeArgMaker')).toEqual({ writeArg: 1 });
  });

  test('is_write_migration_entry() is a source-write guard: maybe_mkwrite() under it is redundant', () => {
    const code = `static void f(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *new)
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(new, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	if (is_write_migration_entry(entry))
		pte = maybe_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}
`;
    expect(check(code, '5.10', 'redundant-maybe-mkwrite')).toEqual([
      '12:maybe_mkwrite() after is_write_migration_entry(entry) re-checks the VMA needlessly: the source entry already says it was writable',
    ]);
  });
});

describe('newer spellings', () => {
  test('folio_pte_batch_flags and every FPB_* flag, with version tags', () => {
    expect(rolesOf('folio_pte_batch_flags')).toEqual(expect.arrayContaining(['batchBuilder', 'effect:mergeBatch']));
    expect(api.apiSpec('folio_pte_batch_flags')?.since).toEqual([6, 16]);
    const flags = ['FPB_IGNORE_DIRTY', 'FPB_IGNORE_SOFT_DIRTY', 'FPB_RESPECT_DIRTY', 'FPB_RESPECT_SOFT_DIRTY', 'FPB_RESPECT_WRITE', 'FPB_MERGE_WRITE', 'FPB_MERGE_YOUNG_DIRTY'];
    expect([...api.apisWithRole('batchFlag')].sort()).toEqual([...flags].sort());
    for (const f of flags) expect(api.apiSpec(f)?.since, f).toBeDefined();
    // 6.9-6.15 ignore-flags, 2025+ respect-flags: each kernel spells one family.
    expect([...api.apisWithRole('batchFlag', parseKernelVersion('6.12')!)].sort()).toEqual(['FPB_IGNORE_DIRTY', 'FPB_IGNORE_SOFT_DIRTY']);
    expect([...api.apisWithRole('batchFlag', parseKernelVersion('6.1')!)]).toEqual([]);
  });

  test('every softleaf_* spelling with a version tag plays a role in the table', () => {
    const softleaf = api.apiNames().filter((n) => n.startsWith('softleaf_') && api.apiSpec(n)?.since);
    expect(softleaf.length).toBeGreaterThanOrEqual(15);
    for (const name of softleaf) {
      expect(api.apiSpec(name)?.since, name).toEqual([6, 19]);
      expect(rolesOf(name), name).not.toEqual([]);
    }
  });

  test('every version-tagged spelling plays a role beyond its tag', () => {
    const tagged = api.apiNames().filter((n) => api.apiSpec(n)?.since || api.apiSpec(n)?.until);
    expect(tagged.length).toBeGreaterThanOrEqual(25);
    for (const name of tagged) expect(rolesOf(name), name).not.toEqual([]);
  });
});
