// Unit tests of the entry-kind engine (src/analysis/entry-kind.ts): the kind of a value at a use,
// and why. Each case is one small function; `kinds` maps every accessor call's first argument to
// the kind found there ('?' when unknown).

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { accessorKind } from '../../src/analysis/entry-kind.js';

function kinds(code: string): string[] {
  const fn = parseC(code).rootNode.namedChildren.find((c) => c.type === 'function_definition');
  if (!fn) throw new Error('no function');
  const version = parseKernelVersion('6.12');
  if (!version) throw new Error('bad version');
  const facts = buildFunctionFacts(fn, version, { helper: () => undefined });
  if (!facts) throw new Error('no facts');
  return facts.model.calls
    .filter((c) => accessorKind(c.name) && c.args[0])
    .map((c) => `${c.name}:${facts.entryKinds.kindOf(c.args[0])?.kind ?? '?'}`);
}

describe('entry kinds', () => {
  test('guards, else arms and early exits type the tested value', () => {
    expect(
      kinds(`static void f(pte_t *ptep)
{
	pte_t pte = ptep_get(ptep);

	if (pte_present(pte))
		g(pte_write(pte));
	else
		g(pte_swp_uffd_wp(pte));
	if (!pte_present(pte))
		return;
	g(pte_dirty(pte));
}`),
    ).toEqual(['pte_write:present', 'pte_swp_uffd_wp:swap', 'pte_dirty:present']);
  });

  test('a redefinition after the test hides it; constructors type the new version', () => {
    expect(
      kinds(`static void f(pte_t *ptep, swp_entry_t e)
{
	pte_t pte = ptep_get(ptep);

	if (pte_present(pte)) {
		pte = ptep_get_and_clear(mm, addr, ptep);
		g(pte_write(pte));
		pte = swp_entry_to_pte(e);
		g(pte_young(pte));
	}
}`),
    ).toEqual(['pte_write:?', 'pte_young:swap']);
  });

  test('device-private branches type only PTEs read before them, and only inside (try_to_migrate_one)', () => {
    expect(
      kinds(`static void f(struct folio *folio, pte_t *ptep)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);

	g(pte_dirty(pteval));
	if (folio_is_device_private(folio)) {
		g(pte_soft_dirty(pteval));
		pteval = mk_pte(page, prot);
		g(pte_young(pteval));
	}
}`),
    ).toEqual(['pte_dirty:?', 'pte_soft_dirty:swap', 'pte_young:present']);
  });

  test('pte_to_swp_entry() types what it dominates; softleaf_from_pte() alone does not', () => {
    expect(
      kinds(`static void f(pte_t a, pte_t b)
{
	swp_entry_t x = pte_to_swp_entry(a);
	softleaf_t y = softleaf_from_pte(b);

	g(pte_write(a), pte_write(b));
	if (softleaf_is_migration(y))
		g(pte_dirty(b));
}`),
    ).toEqual(['pte_write:swap', 'pte_write:?', 'pte_dirty:swap']);
  });

  test('none and swap excluded leaves a present entry; kind-preserving helpers keep the kind', () => {
    expect(
      kinds(`static void f(pte_t *ptep, swp_entry_t e)
{
	pte_t pte = ptep_get(ptep);
	pte_t s = move_soft_dirty_pte(swp_entry_to_pte(e));

	if (pte_none(pte) || is_swap_pte(pte))
		return;
	g(pte_swp_uffd_wp(pte), pte_write(s));
}`),
    ).toEqual(['pte_swp_uffd_wp:present', 'pte_write:swap']);
  });

  test('a test of a dereferenced slot stops holding once the slot is written', () => {
    expect(
      kinds(`static void f(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t swp)
{
	if (!pte_present(*ptep)) {
		g(pte_swp_uffd_wp(*ptep));
		set_pte_at(mm, addr, ptep, swp);
		g(pte_swp_soft_dirty(*ptep));
	}
}`),
    ).toEqual(['pte_swp_uffd_wp:swap', 'pte_swp_soft_dirty:?']);
  });
});
