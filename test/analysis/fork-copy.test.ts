// Unit tests of the fork-copy engine (src/analysis/fork-copy.ts): recognising a copy and its two
// sides, lineages of the child's value and which of them can run with the parent's operation,
// entry types a downgrade guard covers (R8: READ_EXCLUSIVE), helper summaries.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts, type FunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { exclusiveArms, armShares, isValueWrprotect, typesMissed } from '../../src/analysis/fork-copy.js';

function factsOf(code: string, name?: string): FunctionFacts {
  const fns = parseC(code).rootNode.namedChildren.filter((c) => c.type === 'function_definition');
  const version = parseKernelVersion('6.12');
  if (!version) throw new Error('bad version');
  const all = new Map<string, FunctionFacts>();
  const file = { helper: (n: string) => all.get(n) };
  for (const fn of fns) {
    const f = buildFunctionFacts(fn, version, file);
    if (f) all.set(f.name, f);
  }
  const target = name ? all.get(name) : [...all.values()][0];
  if (!target) throw new Error('no function');
  return target;
}

describe('fork copy recognition', () => {
  test('src/dst slots, in-place write-protect, write-backs; a move is no copy', () => {
    const fork = factsOf(`static void f(struct mm_struct *dst_mm, struct mm_struct *src_mm, pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);

	ptep_set_wrprotect(src_mm, addr, src_pte);
	set_pte_at(src_mm, addr, src_pte, pte);
	set_pte_at(dst_mm, addr, dst_pte, pte_wrprotect(pte));
}`).forkCopy;
    expect(fork.isCopy).toBe(true);
    expect(fork.srcWrprotects.map((o) => o.call.name)).toEqual(['ptep_set_wrprotect']);
    expect(fork.srcWriteBacks.length).toBe(1);
    expect(fork.dstOps.length).toBe(1);
    const move = factsOf(`static void g(struct mm_struct *mm, struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_clear_flush(src_vma, addr, src_pte);

	set_pte_at(mm, addr, dst_pte, pte);
}`).forkCopy;
    expect(move.isCopy).toBe(false);
  });

  test('a lineage that skips the write-protect next to the parent operation is not live with it', () => {
    const facts = factsOf(`static void f(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = *src_pte;

	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(src_vma->vm_mm, addr, src_pte);
		pte = pte_wrprotect(pte);
	}
	pte = pte_mkold(pte);
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
}`);
    const fork = facts.forkCopy;
    const w = fork.srcWrprotects[0];
    const d = fork.dstOps[0];
    const lineages = fork.lineages(d);
    expect(lineages.length).toBe(2);
    const live = lineages.filter((l) => fork.liveWith(l, d, w.call));
    expect(live.length).toBe(1);
    expect(live[0].steps.some(isValueWrprotect)).toBe(true);
  });

  test('helper summary: the caller sees what an inline copy helper protects', () => {
    const code = `static __always_inline void __copy(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, pte_t pte, unsigned long addr, int nr)
{
	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		wrprotect_ptes(src_vma->vm_mm, addr, src_pte, nr);
		pte = pte_wrprotect(pte);
	}
	set_ptes(dst_vma->vm_mm, addr, dst_pte, pte, nr);
}

static int caller(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, pte_t pte, unsigned long addr)
{
	__copy(dst_vma, src_vma, dst_pte, src_pte, pte, addr, 1);
	return 1;
}`;
    const fork = factsOf(code, 'caller').forkCopy;
    expect(fork.isCopy).toBe(true);
    expect(fork.dstOps[0].helper).toEqual({ name: '__copy', srcWrprotect: true, dstWrprotect: true });
    expect(fork.dstOps[0].value?.text).toBe('pte');
  });
});

describe('entry types a downgrade guard covers', () => {
  function guardsOfMaker(cond: string) {
    const facts = factsOf(`static void f(swp_entry_t entry, unsigned long vm_flags)
{
	if (${cond})
		entry = make_readable_migration_entry(swp_offset(entry));
}`);
    return facts.model.calls.find((c) => c.name === 'make_readable_migration_entry')!.point.guards;
  }

  test('!is_readable covers WRITE and READ_EXCLUSIVE; is_writable misses READ_EXCLUSIVE', () => {
    expect(typesMissed(guardsOfMaker('!is_readable_migration_entry(entry) && is_cow_mapping(vm_flags)'), 'migration')).toEqual([]);
    expect(typesMissed(guardsOfMaker('is_writable_migration_entry(entry) && is_cow_mapping(vm_flags)'), 'migration')).toEqual(['RX']);
    expect(typesMissed(guardsOfMaker('is_writable_migration_entry(entry) || is_readable_exclusive_migration_entry(entry)'), 'migration')).toEqual([]);
    expect(typesMissed(guardsOfMaker('is_readable_exclusive_migration_entry(entry)'), 'migration')).toEqual(['W']);
  });

  test('an arm for migration entries owes the readable downgrade', () => {
    const fork = factsOf(`static void f(struct mm_struct *dst_mm, pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (is_migration_entry(entry))
		count++;
	set_pte_at(dst_mm, addr, dst_pte, pte);
}`).forkCopy;
    const arms = exclusiveArms(fork);
    expect(arms.map((a) => a.needs)).toEqual(['migration']);
    expect(armShares(arms[0])).toBe(false);
  });
});
