// The per-function budget of analyzeText (src/engine/analyze.ts): a function over the syntax-node
// budget is listed as incomplete with its reason before any analysis, a function over the time
// budget loses its findings and is listed too, and the rest of the file is analyzed as usual.
// The 100,000-line function is the pathological input of issue 13: one PTE value re-assigned on
// every line, which the analysis once handled in cubic time.

import { describe, expect, test } from 'vitest';
import { analyzeText, FUNCTION_BUDGET } from '../../src/engine/analyze.js';

/** A function that grants write `lines` times to one value, then installs it. */
function regrants(name: string, lines: number): string {
  return [
    `static void ${name}(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr, pte_t *ptep)`,
    '{',
    '\tpte_t v = ptep_get(ptep);',
    '',
    ...Array.from({ length: lines }, () => '\tv = pte_mkwrite(v, vma);'),
    '\tset_pte_at(mm, addr, ptep, v);',
    '}',
    '',
  ].join('\n');
}

/** Rule ids of the findings in one function, with counts, for comparing runs. */
function byRule(findings: { rule: string; function: string }[], fn: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) if (f.function === fn) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
}

describe('per-function budget', () => {
  test('a normal function is analyzed in full: every ungated grant is reported', () => {
    const r = analyzeText('small.c', regrants('small', 20));
    expect(r.incomplete).toEqual([]);
    expect(byRule(r.findings, 'small')['pte-write-grant-unjustified']).toBe(20);
  });

  test('a 100,000-line function ends, listed as incomplete for its size, and the next function is still analyzed', () => {
    const text = regrants('generated', 100_000) + regrants('after', 3);
    const r = analyzeText('generated.c', text);
    expect(r.incomplete).toHaveLength(1);
    expect(r.incomplete[0]).toMatchObject({ file: 'generated.c', function: 'generated', line: 1 });
    expect(r.incomplete[0].reason).toMatch(
      new RegExp(`^function too large to analyze: \\d+ syntax nodes \\(budget ${FUNCTION_BUDGET.maxNodes}\\)$`),
    );
    expect(r.findings.filter((f) => f.function === 'generated')).toEqual([]);
    expect(byRule(r.findings, 'after')).toEqual(byRule(analyzeText('after.c', regrants('after', 3)).findings, 'after'));
    expect(byRule(r.findings, 'after')['pte-write-grant-unjustified']).toBe(3);
  });

  test('the node budget is an option; a function under it is analyzed as before', () => {
    const text = regrants('f', 30);
    const full = analyzeText('f.c', text);
    const tight = analyzeText('f.c', text, { budget: { maxNodes: 100 } });
    expect(tight.findings).toEqual([]);
    expect(tight.incomplete.map((i) => i.reason)).toEqual([expect.stringMatching(/syntax nodes \(budget 100\)$/)]);
    expect(analyzeText('f.c', text, { budget: { maxNodes: 100_000 } })).toEqual(full);
  });

  test('over the time budget, a function keeps none of its findings and is listed as incomplete', () => {
    // A negative budget is exceeded at the first check on any machine: the path is deterministic.
    const r = analyzeText('t.c', regrants('slow', 5) + regrants('fast', 2), { budget: { maxMs: -1 } });
    expect(r.findings).toEqual([]);
    expect(r.incomplete.map((i) => [i.function, i.reason])).toEqual([
      ['slow', 'analysis exceeded the time budget of -1 ms'],
      ['fast', 'analysis exceeded the time budget of -1 ms'],
    ]);
  });
});
