// Unit tests of the predicate path enumeration (src/analysis/predicate-paths.ts, R12) and of the
// value-path feasibility check (src/analysis/path-feasibility.ts, R15). Each case is one small
// function; ways are shown as their return line and the conditions known on them.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { establishes, returnTruePaths, type MeaningTest } from '../../src/analysis/predicate-paths.js';
import { skipsCertainRedefinition } from '../../src/analysis/path-feasibility.js';

/** Facts of every function of `code`; helpers resolve to the functions of the same text. */
function factsOf(code: string): Map<string, FunctionFacts> {
  const version = parseKernelVersion('6.12');
  if (!version) throw new Error('bad version');
  const all = new Map<string, FunctionFacts>();
  const file = { helper: (name: string) => all.get(name) };
  for (const fn of parseC(code).rootNode.namedChildren.filter((c) => c.type === 'function_definition')) {
    const facts = buildFunctionFacts(fn, version, file);
    if (facts) all.set(facts.name, facts);
  }
  return all;
}

function ways(facts: FunctionFacts): string[] {
  return returnTruePaths(facts.model.body).map(
    (p) => `${p.node.startPosition.row + 1}: ${p.facts.map((f) => (f.positive ? '' : '!') + f.expr.text.replace(/\s+/g, ' ')).join(' ; ')}`,
  );
}

const UFFD: MeaningTest[] = [{ cls: 'uffdBlocker', positive: false }];
const SOFT_DIRTY: MeaningTest[] = [
  { cls: 'softDirtyBlocker', positive: false },
  { cls: 'softDirtyTracking', positive: false },
  { cls: 'entrySoftDirty', positive: true },
];

describe('returnTruePaths', () => {
  test('early returns leave their negation; if/else splits; false returns are dropped', () => {
    const f = factsOf(`static bool p(pte_t pte, int s)
{
	if (pte_protnone(pte))
		return false;
	if (s) {
		if (!pte_dirty(pte))
			return false;
	}
	return true;
}`).get('p')!;
    expect(ways(f)).toEqual(['9: !(pte_protnone(pte)) ; (s) ; !(!pte_dirty(pte))', '9: !(pte_protnone(pte)) ; !(s)']);
  });

  test('a disjunctive return gives one way per alternative', () => {
    const f = factsOf(`static bool p(pte_t pte, unsigned int flags)
{
	return pte_write(pte) || ((flags & FOLL_FORCE) && pte_dirty(pte));
}`).get('p')!;
    expect(ways(f)).toEqual([
      '3: pte_write(pte)',
      '3: !pte_write(pte) ; ((flags & FOLL_FORCE) && pte_dirty(pte))',
    ]);
  });

  test('a forward goto to a top-level label goes on from the label', () => {
    const f = factsOf(`static bool p(pte_t pte)
{
	bool ret = false;

	if (pte_protnone(pte))
		goto out;
	ret = true;
out:
	return ret;
}`).get('p')!;
    expect(ways(f)).toEqual(['9: (pte_protnone(pte)) ; ret', '9: !(pte_protnone(pte)) ; ret']);
  });

  test('contradicting ways are dropped', () => {
    const f = factsOf(`static bool p(int a)
{
	if (a)
		return false;
	if (a)
		return true;
	return false;
}`).get('p')!;
    expect(ways(f)).toEqual([]);
  });
});

describe('establishes', () => {
  test('a failed conjunction establishes what both alternatives do', () => {
    const f = factsOf(`static bool p(struct vm_area_struct *vma, pte_t pte)
{
	if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))
		return false;
	if ((vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte))
		return false;
	return true;
}`).get('p')!;
    const [way] = returnTruePaths(f.model.body);
    expect(way.facts.map((g) => establishes(f, g, SOFT_DIRTY))).toEqual([true, false]);
  });

  test('a same-file helper counts with what its true ways check', () => {
    const all = factsOf(`static bool common(struct vm_area_struct *vma, pte_t pte)
{
	if (pte_needs_soft_dirty_wp(vma, pte))
		return false;
	return !userfaultfd_pte_wp(vma, pte);
}

static bool p(struct vm_area_struct *vma, pte_t pte)
{
	if (!common(vma, pte))
		return false;
	return true;
}`);
    const p = all.get('p')!;
    const [way] = returnTruePaths(p.model.body);
    expect(way.facts.some((g) => establishes(p, g, UFFD))).toBe(true);
    expect(way.facts.some((g) => establishes(p, g, SOFT_DIRTY))).toBe(true);
  });
});

describe('skipsCertainRedefinition', () => {
  test('a path around an exhaustive if/else chain that redefines the value is infeasible', () => {
    const f = factsOf(`static void r(struct vm_area_struct *vma, pte_t *ptep, struct page *page, int d, int w)
{
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (d)
		pte = pte_mkdirty(pte);
	if (w)
		pte = pte_mkwrite(pte, vma);
	else
		pte = pte_wrprotect(pte);
	set_pte_at(vma->vm_mm, 0, ptep, pte);
}`).get('r')!;
    const sink = f.sinks[0];
    const shapes = f.pathsOf(sink.value!).map((p) => ({
      steps: p.steps.map((s) => s.call.name).join('>'),
      skips: skipsCertainRedefinition(f.model, p, sink.call.node),
    }));
    expect(shapes.filter((s) => s.skips).map((s) => s.steps).sort()).toEqual(['', 'pte_mkdirty']);
    expect(shapes.filter((s) => !s.skips).map((s) => s.steps).sort()).toEqual([
      'pte_mkdirty>pte_mkwrite',
      'pte_mkdirty>pte_wrprotect',
      'pte_mkwrite',
      'pte_wrprotect',
    ]);
  });
});
