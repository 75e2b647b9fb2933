// Answers the analyses keep once computed (a node's point, an atom's meanings): asked again, they
// are the same as the first time, and the same as a model or classifier that never answered before.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { atomsOf } from '../../src/analysis/guards.js';
import { NEWEST_KERNEL } from '../../src/kernel-version.js';

const TEXT = [
  'static void f(struct vm_area_struct *vma, pte_t *ptep, pte_t old, bool c)',
  '{',
  '\tbool writable = pte_write(old);',
  '\tpte_t pte = mk_pte(page, vma->vm_page_prot);',
  '\tif (!c)',
  '\t\treturn;',
  '\tif (writable && !pte_uffd_wp(old))',
  '\t\tpte = c ? pte_mkwrite(pte, vma) : pte;',
  '\telse if (userfaultfd_wp(vma) || pte_swp_uffd_wp(old))',
  '\t\tpte = pte_mkuffd_wp(pte);',
  '\tset_pte_at(vma->vm_mm, 0, ptep, pte);',
  '}',
].join('\n');

function facts(): FunctionFacts {
  const fn = parseC(TEXT).rootNode.namedChildren.find((c) => c.type === 'function_definition')!;
  return buildFunctionFacts(fn, NEWEST_KERNEL, { helper: () => undefined })!;
}

describe('memoised questions', () => {
  test('a point asked twice is the same, and equal to a fresh model\'s', () => {
    const a = facts();
    const b = facts();
    const calls = (f: FunctionFacts) => f.model.calls.map((c) => c.node);
    const describePoint = (f: FunctionFacts, i: number) => {
      const p = f.model.pointOf(calls(f)[i]);
      return { guards: p.guards.map((g) => [g.expr.text, g.positive, g.earlyExit ?? false]), arms: p.arms, depth: p.path.length };
    };
    expect(calls(a).length).toBeGreaterThan(5);
    for (let i = 0; i < calls(a).length; i++) {
      const first = describePoint(a, i);
      expect(describePoint(a, i)).toEqual(first);
      expect(a.model.pointOf(calls(a)[i])).toBe(a.model.pointOf(calls(a)[i]));
      expect(describePoint(b, i)).toEqual(first);
    }
    // The conditional's arm adds its condition to the point of pte_mkwrite().
    const mkwrite = a.model.calls.find((c) => c.name === 'pte_mkwrite')!;
    expect(a.model.pointOf(mkwrite.node).guards.map((g) => g.expr.text)).toEqual(['(!c)', '(writable && !pte_uffd_wp(old))', 'c']);
  });

  test('the meanings of every atom are the same asked twice, in either order, variables included', () => {
    const a = facts();
    const b = facts();
    const atoms = a.model.calls.flatMap((c) => c.point.guards.flatMap((g) => atomsOf(g)));
    expect(atoms.length).toBeGreaterThan(4);
    const first = atoms.map((x) => a.guards.meaningsOf(x));
    expect(atoms.map((x) => a.guards.meaningsOf(x))).toEqual(first);
    // A classifier asked in the reverse order answers the same.
    const atomsB = b.model.calls.flatMap((c) => c.point.guards.flatMap((g) => atomsOf(g)));
    expect(atomsB.reverse().map((x) => b.guards.meaningsOf(x)).reverse()).toEqual(first);
    expect(first.flat().map((m) => m.cls)).toEqual(expect.arrayContaining(['srcWrite', 'uffd', 'uffdVma']));
  });

  test('the paths of a value are the same asked twice, and the same when other values were asked first', () => {
    const a = facts();
    const b = facts();
    const describePaths = (f: FunctionFacts, i: number) =>
      f.pathsOf(f.model.calls[i].node).map((p) => ({ base: [p.base.kind, p.base.node.text, p.base.origin], steps: p.steps.map((s) => s.call.name), assumptions: p.assumptions.length }));
    const n = a.model.calls.length;
    const first = Array.from({ length: n }, (_, i) => describePaths(a, i));
    expect(Array.from({ length: n }, (_, i) => describePaths(a, i))).toEqual(first);
    expect(Array.from({ length: n }, (_, i) => describePaths(b, n - 1 - i)).reverse()).toEqual(first);
    const installed = a.sinks[0].value!;
    expect(a.pathsOf(installed)).toBe(a.pathsOf(installed));
    expect(a.pathsOf(installed).map((p) => p.steps.map((s) => s.call.name))).toEqual([[], ['pte_mkwrite'], [], ['pte_mkuffd_wp']]);
  });
});
