// Unit tests of the PG_anon_exclusive engine (src/analysis/exclusivity.ts): provenance of
// RMAP_EXCLUSIVE (R9), result use of try-share / try-dup calls (R10b), clear-before-share ordering
// and exclusivity encoding of installed entries (R10). Each case is one small function.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import type { ExclusivityAnalysis } from '../../src/analysis/exclusivity.js';

function analysis(code: string): { facts: FunctionFacts; excl: ExclusivityAnalysis } {
  const fn = parseC(code).rootNode.namedChildren.find((c) => c.type === 'function_definition');
  if (!fn) throw new Error('no function');
  const version = parseKernelVersion('6.12');
  if (!version) throw new Error('bad version');
  const facts = buildFunctionFacts(fn, version, { helper: () => undefined });
  if (!facts) throw new Error('no facts');
  return { facts, excl: facts.exclusivity };
}

function provenance(code: string): boolean[] {
  const { excl } = analysis(code);
  return excl.exclusivitySinks().map((s) => excl.hasProvenance(s.point));
}

describe('R9 provenance', () => {
  test('entry predicates, fresh copies and refcount prove exclusivity; anon alone does not', () => {
    expect(
      provenance(`static void f(struct folio *folio, struct folio *swapcache, pte_t orig, swp_entry_t entry)
{
	rmap_t a = RMAP_NONE;
	bool exclusive = pte_swp_exclusive(orig);

	if (folio != swapcache)
		exclusive = true;
	if (!folio_test_ksm(folio) && (exclusive || folio_ref_count(folio) == 1))
		a |= RMAP_EXCLUSIVE;
	if (folio_test_anon(folio) && !is_readable_migration_entry(entry))
		a |= RMAP_EXCLUSIVE;
	if (folio_test_anon(folio))
		a |= RMAP_EXCLUSIVE;
	if (flags & RMAP_EXCLUSIVE)
		g(a);
	folio_add_new_anon_rmap(folio, vma, addr, RMAP_EXCLUSIVE);
}`),
    ).toEqual([true, true, false]);
  });

  test('a boolean set to true without evidence proves nothing', () => {
    expect(
      provenance(`static void f(struct folio *folio, swp_entry_t entry)
{
	bool exclusive = false;

	if (folio_test_swapcache(folio))
		exclusive = true;
	if (exclusive)
		SetPageAnonExclusive(&folio->page);
}`),
    ).toEqual([false]);
  });
});

describe('R10b result use', () => {
  test('tested in an if, ignored, asserted, stored and tested later', () => {
    const { excl } = analysis(`static int f(struct folio *folio, struct page *page, bool x)
{
	int err;

	if (x && folio_try_share_anon_rmap_pte(folio, page))
		return -EBUSY;
	folio_try_share_anon_rmap_pte(folio, page);
	WARN_ON_ONCE(folio_try_share_anon_rmap_pmd(folio, page));
	err = hugetlb_try_share_anon_rmap(folio);
	if (err)
		return err;
	(void)folio_try_dup_anon_rmap_pte(folio, page, vma);
	return 0;
}`);
    const calls = excl.anonRmapCalls();
    expect(calls.map((c) => `${c.family}:${c.use}:${c.failure ? 'fail' : '-'}`)).toEqual([
      'share:tested:fail',
      'share:ignored:-',
      'share:asserted:-',
      'share:tested:fail',
      'dup:ignored:-',
    ]);
  });

  test('failure handling: restore of the cleared value, exit, flag off', () => {
    const { excl } = analysis(`static int f(struct mm_struct *mm, unsigned long a, pte_t *ptep, struct folio *folio, struct page *page, bool freeze)
{
	pte_t pteval = ptep_clear_flush(vma, a, ptep);

	if (folio_try_share_anon_rmap_pte(folio, page)) {
		set_pte_at(mm, a, ptep, pteval);
		return -EBUSY;
	}
	if (freeze && folio_try_share_anon_rmap_pmd(folio, page))
		freeze = false;
	return 0;
}`);
    const [first, second] = excl.anonRmapCalls();
    expect(excl.clearsBefore(first.call).map((c) => c.name)).toEqual(['ptep_clear_flush']);
    expect(excl.failureHandling(first.failure!)).toEqual({ restores: true, aborts: true, flagOff: false });
    expect(excl.failureHandling(second.failure!)).toEqual({ restores: false, aborts: true, flagOff: true });
  });
});

describe('R10 encoding', () => {
  test('the anon-exclusive path must carry an exclusive or writable entry', () => {
    const { facts, excl } = analysis(`static void f(struct mm_struct *mm, unsigned long a, pte_t *ptep, struct folio *folio, struct page *page, swp_entry_t e)
{
	bool anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(page);
	pte_t pteval = ptep_clear_flush(vma, a, ptep);
	swp_entry_t entry;
	pte_t good = swp_entry_to_pte(e);
	pte_t bad = swp_entry_to_pte(e);

	if (anon_exclusive)
		good = pte_swp_mkexclusive(good);
	if (pte_write(pteval))
		entry = make_writable_migration_entry(1);
	else if (anon_exclusive)
		entry = make_readable_migration_entry(1);
	else
		entry = make_readable_migration_entry(1);
	set_pte_at(mm, a, ptep, good);
	set_pte_at(mm, a, ptep, bad);
	set_pte_at(mm, a, ptep, swp_entry_to_pte(entry));
}`);
    expect(facts.sinks.map((s) => excl.encodesExclusivity(s.value!))).toEqual([true, false, false]);
  });
});
