// Unit tests of the uffd-wp transfer facts (src/analysis/uffd-wp-transfers.ts) as
// rules/uffd-wp-clear-on-unregistered-dst.ts judges them: which installs are transfers, the entry
// kinds that reach them, and which clears cover which kinds under the "destination unregistered"
// guard.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { uncoveredTransfers } from '../../rules/uffd-wp-clear-on-unregistered-dst.js';

function factsOf(code: string): FunctionFacts {
  const fn = parseC(code).rootNode.namedChildren.find((c) => c.type === 'function_definition');
  const version = parseKernelVersion('6.12');
  if (!fn || !version) throw new Error('no function');
  const f = buildFunctionFacts(fn, version, { helper: () => undefined });
  if (!f) throw new Error('no facts');
  return f;
}

function uncovered(code: string): string[][] {
  return uncoveredTransfers(factsOf(code)).map((t) => [t.mode, t.source, ...t.uncovered]);
}

const FORK = 'struct mm_struct *dst_mm, struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, unsigned long addr';

describe('uffd-wp clearing coverage', () => {
  test('an unknown-kind copy needs present, swap and marker coverage', () => {
    expect(uncovered(`static void f(${FORK})
{
	pte_t pte = ptep_get(src_pte);

	set_pte_at(dst_mm, addr, dst_pte, pte);
}`)).toEqual([['copy', 'src_pte', 'present', 'swap', 'marker']]);
  });

  test('present and swap arms under the guard leave markers; an exiting marker arm covers them', () => {
    const body = (marker: string) => `static void f(${FORK})
{
	pte_t pte = ptep_get(src_pte);
${marker}
	if (!userfaultfd_wp(dst_vma)) {
		if (pte_present(pte))
			pte = pte_clear_uffd_wp(pte);
		else
			pte = pte_swp_clear_uffd_wp(pte);
	}
	set_pte_at(dst_mm, addr, dst_pte, pte);
}`;
    expect(uncovered(body(''))).toEqual([['copy', 'src_pte', 'marker']]);
    expect(uncovered(body('\tif (is_pte_marker(pte))\n\t\treturn;'))).toEqual([]);
  });

  test('a clear under another condition, or of the parent, covers nothing', () => {
    expect(uncovered(`static void f(${FORK}, bool cow)
{
	pte_t pte = ptep_get(src_pte);

	if (!pte_present(pte))
		return;
	if (!userfaultfd_wp(dst_vma) && cow)
		pte = pte_clear_uffd_wp(pte);
	set_pte_at(dst_mm, addr, dst_pte, pte);
}`)).toEqual([['copy', 'src_pte', 'present']]);
  });

  test('a move is a read that clears the old slot; an in-place update is no transfer', () => {
    expect(uncovered(`static void m(struct vm_area_struct *vma, pte_t *old_pte, pte_t *new_pte, unsigned long a, unsigned long b)
{
	pte_t pte = ptep_get_and_clear(vma->vm_mm, a, old_pte);

	if (vma_has_uffd_without_event_remap(vma) && pte_present(pte))
		pte = pte_clear_uffd_wp(pte);
	if (pte_present(pte))
		set_pte_at(vma->vm_mm, b, new_pte, pte);
}`)).toEqual([]);
    expect(uncovered(`static void m(struct vm_area_struct *vma, pte_t *ptep, unsigned long a)
{
	pte_t pte = ptep_get_and_clear(vma->vm_mm, a, ptep);

	set_pte_at(vma->vm_mm, a, ptep, pte_mkold(pte));
}`)).toEqual([]);
  });

  test('UFFDIO_MOVE helpers (destination VMA, source slot cleared) are out of scope', () => {
    expect(uncovered(`static int mv(struct mm_struct *mm, struct vm_area_struct *dst_vma, pte_t *dst_pte, pte_t *src_pte, unsigned long d, unsigned long s)
{
	pte_t pte = ptep_get_and_clear(mm, s, src_pte);

	set_pte_at(mm, d, dst_pte, pte);
	return 0;
}`)).toEqual([]);
  });

  test('uffd-wp added only for a registered child is no leak (copy_present_page)', () => {
    expect(uncovered(`static void f(${FORK}, struct page *page)
{
	pte_t pte = mk_pte(page, dst_vma->vm_page_prot);

	if (userfaultfd_pte_wp(dst_vma, ptep_get(src_pte)))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(dst_mm, addr, dst_pte, pte);
}`)).toEqual([]);
  });
});
