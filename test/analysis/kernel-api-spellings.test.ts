// The API table's older and newer spellings (src/analysis/kernel-api.ts): each is recognised in
// its role, carries its version tag, and changes what the rules report on code that spells it.

import { describe, expect, test } from 'vitest';
import * as api from '../../src/analysis/kernel-api.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { allRules } from '../../rules/index.js';

/** Every table of kernel-api.ts that holds `name` (sets and maps by key), plus the effect table. */
function rolesOf(name: string): string[] {
  const roles: string[] = [];
  for (const [table, value] of Object.entries(api)) {
    if ((value instanceof Set || value instanceof Map) && value.has(name)) roles.push(table);
  }
  const entry = api.apiOf(name);
  if (entry) roles.push(`effect:${entry.effect}`);
  return roles;
}

function check(code: string, version: string, rule: string): string[] {
  const rules = allRules.filter((r) => r.meta.id === rule);
  const kernelVersion = parseKernelVersion(version)!;
  return analyzeText('t.c', code, { rules, kernelVersion }).findings.map((f) => `${f.line}:${f.message}`);
}

describe('older spellings (5.x swap entry API, before 4dd845b5a3e5 in 5.14)', () => {
  test('is_write_migration_entry / is_write_device_private_entry are source-write and type predicates', () => {
    for (const name of ['is_write_migration_entry', 'is_write_device_private_entry']) {
      expect(rolesOf(name)).toEqual(expect.arrayContaining(['SOURCE_WRITE_PREDICATES', 'SWAP_ENTRY_TYPE_PREDICATES', 'SPELLING_VERSIONS']));
      expect(api.SPELLING_VERSIONS.get(name)).toEqual({ until: [5, 14] });
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
    expect(api.WRITE_ARGUMENT_ENTRY_MAKERS.get('make_device_private_entry')).toEqual({ writeArg: 1 });
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
    expect(rolesOf('folio_pte_batch_flags')).toEqual(expect.arrayContaining(['BATCH_BUILDERS', 'SPELLING_VERSIONS', 'effect:mergeBatch']));
    const flags = ['FPB_IGNORE_DIRTY', 'FPB_IGNORE_SOFT_DIRTY', 'FPB_RESPECT_DIRTY', 'FPB_RESPECT_SOFT_DIRTY', 'FPB_RESPECT_WRITE', 'FPB_MERGE_WRITE', 'FPB_MERGE_YOUNG_DIRTY'];
    for (const f of flags) expect(api.BATCH_FLAGS.get(f)?.since, f).toBeDefined();
    // The soft-dirty policy table agrees with the flag table.
    for (const [f, policy] of api.SOFT_DIRTY_BATCH_FLAGS) {
      expect(api.BATCH_FLAGS.get(f)).toMatchObject({ bit: 'softDirty', policy: policy === 'tracked' ? 'respect' : 'ignore' });
    }
  });

  test('every softleaf_* spelling with a version tag plays a role in the table', () => {
    const softleaf = [...api.SPELLING_VERSIONS.keys()].filter((n) => n.startsWith('softleaf_'));
    expect(softleaf.length).toBeGreaterThanOrEqual(15);
    for (const name of softleaf) {
      expect(rolesOf(name).filter((r) => r !== 'SPELLING_VERSIONS'), name).not.toEqual([]);
    }
  });

  test('every version-tagged spelling plays a role beyond its tag', () => {
    for (const name of api.SPELLING_VERSIONS.keys()) {
      expect(rolesOf(name).filter((r) => r !== 'SPELLING_VERSIONS'), name).not.toEqual([]);
    }
  });
});
