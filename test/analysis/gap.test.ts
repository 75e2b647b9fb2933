// Unit tests of the gap fact (src/analysis/gap.ts): the `__ptelint_gap();` statement that stands
// for the hidden lines between two stitched hunks of one function. It may redefine any value
// (a path of unknown value next to the visible ones, never instead of them), it is killed by a
// later visible definition, and a value that passed it is of no known entry kind.

import { describe, expect, test } from 'vitest';
import { parseC, type SyntaxNode } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';

function facts(code: string): FunctionFacts {
  const fn = parseC(code).rootNode.namedChildren.find((c) => c.type === 'function_definition');
  const version = parseKernelVersion('6.12');
  if (!fn || !version) throw new Error('no function');
  const f = buildFunctionFacts(fn, version, { helper: () => undefined }, true);
  if (!f) throw new Error('no facts');
  return f;
}

/** The value installed by the function's only set_pte_at(): its paths as `base[+gap]:steps`. */
function installed(f: FunctionFacts): string[] {
  const sink = f.sinks[0];
  return f.pathsOf(sink.value as SyntaxNode).map((p) => `${p.base.kind}${p.base.gap ? '+gap' : ''}:${p.steps.map((s) => s.call.name).join(',')}`);
}

describe('the gap statement', () => {
  test('may redefine a value: the visible path stays, an unknown one joins it', () => {
    const f = facts(`void restore(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	pte_t pte = ptep_get_and_clear(mm, addr, ptep);
	__ptelint_gap();
	set_pte_at(mm, addr, ptep, pte);
}`);
    expect(installed(f).sort()).toEqual(['read:', 'unknown+gap:']);
    expect(f.flow.gapBetween(f.model.calls[0].node, f.sinks[0].call.node)).toBe(true);
  });

  test('a visible definition after the gap that dominates the use kills it', () => {
    const f = facts(`void restore(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	pte_t pte;
	__ptelint_gap();
	pte = pte_wrprotect(ptep_get(ptep));
	set_pte_at(mm, addr, ptep, pte);
}`);
    expect(installed(f)).toEqual(['read:pte_wrprotect']);
  });

  test('a gap in another arm of the same chain is not on the way', () => {
    const f = facts(`void restore(struct mm_struct *mm, unsigned long addr, pte_t *ptep, bool busy)
{
	pte_t pte = ptep_get(ptep);
	if (busy) {
		__ptelint_gap();
	} else {
		set_pte_at(mm, addr, ptep, pte);
	}
}`);
    expect(installed(f)).toEqual(['read:']);
    expect(f.flow.gapBetween(f.model.calls[0].node, f.sinks[0].call.node)).toBe(false);
  });

  test('a boolean a gap above may assign is not known to be unjustified', () => {
    const f = facts(`void map(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t pte = mk_pte(page, vma->vm_page_prot);
	__ptelint_gap();
	if (writable)
		pte = pte_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`);
    expect(f.grants.map((g) => f.justify(g))).toEqual([['defined-outside-fragment']]);
  });
});
