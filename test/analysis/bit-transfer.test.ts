// Unit tests of the bit-transfer engine (src/analysis/bit-transfer.ts): which old entry an install
// replaces, in which direction, and when a fresh value counts as having lost uffd-wp / soft-dirty.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import type { CarriedBit } from '../../src/analysis/bit-transfer.js';
import { softDirtyLosses } from '../../rules/soft-dirty-propagate.js';
import { uffdWpLosses } from '../../rules/uffd-wp-propagate.js';

function factsOf(code: string): FunctionFacts {
  const fns = parseC(code).rootNode.namedChildren.filter((c) => c.type === 'function_definition');
  const version = parseKernelVersion('6.12');
  if (!version || fns.length === 0) throw new Error('bad input');
  const byName = new Map<string, FunctionFacts>();
  const file = { helper: (name: string) => byName.get(name) };
  for (const fn of fns) {
    const facts = buildFunctionFacts(fn, version, file);
    if (facts) byName.set(facts.name, facts);
  }
  const last = buildFunctionFacts(fns[fns.length - 1], version, file);
  if (!last) throw new Error('no facts');
  return last;
}

/** The losses each rule reports (the analysis offers them, the rule's policy filters them). */
function losses(code: string, bit: CarriedBit): string[] {
  const facts = factsOf(code);
  if (bit === 'softDirty') return softDirtyLosses(facts).map((l) => `${l.direction}:${l.source.name}:${l.setter}`);
  return uffdWpLosses(facts).map((l) => ('clear' in l ? `zap:${l.source.name}` : `${l.direction}:${l.source.name}:${l.setter}`));
}

const restore = (carry: string) => `
static void f(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	${carry}
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`;

describe('bit transfer', () => {
  test('a decode without the carry loses the bit; the pairing or a writable arm keeps it', () => {
    expect(losses(restore(''), 'uffd')).toEqual(['decode:old:pte_mkuffd_wp']);
    expect(losses(restore(''), 'softDirty')).toEqual(['decode:old:pte_mksoft_dirty']);
    expect(losses(restore('if (pte_swp_uffd_wp(old)) pte = pte_mkuffd_wp(pte);'), 'uffd')).toEqual([]);
    expect(losses(restore('if (is_writable_migration_entry(entry)) pte = pte_mkwrite(pte, vma); else if (pte_swp_uffd_wp(old)) pte = pte_mkuffd_wp(pte);'), 'uffd')).toEqual([]);
    // x86 pte_mkdirty() sets soft-dirty: accepted as the carry.
    expect(losses(restore('pte = pte_mkdirty(pte);'), 'softDirty')).toEqual([]);
  });

  test('whole-value copies carry every bit; moves must be marked soft-dirty', () => {
    const move = (mark: string) => `
static void m(struct mm_struct *mm, pte_t *old_pte, pte_t *new_pte, unsigned long a, unsigned long b)
{
	pte_t pte = ptep_get_and_clear(mm, a, old_pte);

	${mark}
	set_pte_at(mm, b, new_pte, pte);
}`;
    expect(losses(move(''), 'uffd')).toEqual([]);
    expect(losses(move(''), 'softDirty')).toEqual(['move:old_pte:pte_mksoft_dirty']);
    expect(losses(move('pte = move_soft_dirty_pte(pte);'), 'softDirty')).toEqual([]);
  });

  test('encode and split name their direction; booleans carry the bit', () => {
    const split = (carry: string) => `
static void s(struct vm_area_struct *vma, pmd_t *pmd, unsigned long haddr, pte_t *pte, struct page *page)
{
	pmd_t old_pmd = pmdp_invalidate(vma, haddr, pmd);
	bool uffd_wp = pmd_uffd_wp(old_pmd);
	pte_t entry = mk_pte(page, vma->vm_page_prot);

	${carry}
	set_ptes(vma->vm_mm, haddr, pte, entry, HPAGE_PMD_NR);
}`;
    expect(losses(split(''), 'uffd')).toEqual(['split:old_pmd:pte_mkuffd_wp']);
    expect(losses(split('if (uffd_wp) entry = pte_mkuffd_wp(entry);'), 'uffd')).toEqual([]);
    const encode = `
static void e(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, swp_entry_t entry)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);
	pte_t swp_pte = swp_entry_to_pte(entry);

	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	set_pte_at(vma->vm_mm, addr, ptep, swp_pte);
}`;
    expect(losses(encode, 'uffd')).toEqual(['encode:pteval:pte_swp_mkuffd_wp']);
    expect(losses(encode, 'softDirty')).toEqual([]);
  });

  test('poison entries, empty slots and kernel page tables carry nothing', () => {
    const poison = `
static void p(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);

	if (pte_dirty(pteval))
		folio_mark_dirty(page_folio(page));
	set_pte_at(vma->vm_mm, addr, ptep, swp_entry_to_pte(make_hwpoison_entry(page)));
}`;
    expect(losses(poison, 'uffd')).toEqual([]);
    const empty = `
static void n(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t old = ptep_get(ptep);

	if (!pte_none(old))
		return;
	set_pte_at(vma->vm_mm, addr, ptep, mk_pte(page, vma->vm_page_prot));
}`;
    expect(losses(empty, 'uffd')).toEqual([]);
    const kernel = `
static void k(pte_t *ptep, unsigned long addr, struct page *page)
{
	struct page *old = pte_page(ptep_get(ptep));

	set_pte_at(&init_mm, addr, ptep, mk_pte(page, PAGE_KERNEL));
}`;
    expect(losses(kernel, 'uffd')).toEqual([]);
  });

  test("a same-file helper that installs a fresh value is the caller's transition", () => {
    const code = `
static void install(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr, struct page *new_page)
{
	set_huge_pte_at(vma->vm_mm, addr, ptep, make_huge_pte(vma, new_page, 0));
}

static int copy(struct vm_area_struct *dst_vma, pte_t *src_pte, pte_t *dst_pte, unsigned long addr,
		struct page *new)
{
	pte_t entry = huge_ptep_get(src_pte);
	struct page *ptepage = pte_page(entry);

	install(dst_vma, dst_pte, addr, new);
	return 0;
}`;
    expect(losses(code, 'uffd')).toEqual(['copy:entry:huge_pte_mkuffd_wp']);
    expect(losses(code, 'softDirty')).toEqual([]);
    // The analysis offers the soft-dirty loss too; the rule exempts it (hugetlb has no soft-dirty).
    const facts = factsOf(code);
    const offered = facts.bitTransfer.losses({ bit: 'softDirty', marksMoves: true, exempt: () => false });
    expect(offered.map((l) => `${l.shape}:${l.level}:${l.direction}:${l.setter}`)).toEqual(['helper:huge:copy:huge_pte_mksoft_dirty']);
    expect(softDirtyLosses(facts)).toEqual([]);
    // Computed once per function, whoever asks.
    expect(facts.bitTransfer).toBe(facts.bitTransfer);
  });
});
