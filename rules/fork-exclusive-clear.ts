// R8 (docs/invariants.md#fork-exclusive-clear): after fork no entry in parent or child may claim exclusivity
// of a page both can reach. Origin: ("mm/swap: remember PG_anon_exclusive via a swp pte
// bit", 1493a1913e34) and 6c287605fd56 (PG_anon_exclusive, readable-exclusive migration entries):
// copy_nonpresent_pte(), copy_huge_pmd() and copy_hugetlb_page_range() clear the swp exclusive bit
// and turn WRITE and READ_EXCLUSIVE migration entries into plain READ ones, in parent and child.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import {
  armShares,
  exclusiveArms,
  guardsAllowType,
  looksLikeForkCopy,
  isShareStep,
  mayRunTogether,
  typePredicateIn,
  typesMissed,
  type Lineage,
  type SlotOp,
} from '../src/analysis/fork-copy.js';
import type { Call } from '../src/analysis/function-model.js';
import { atomsOf } from '../src/analysis/guards.js';
import { hasRole, roleData, SWAP_ENTRY_FAMILY_TYPES } from '../src/analysis/kernel-api.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';

const TYPE_NAMES: Record<string, string> = { RX: 'READ_EXCLUSIVE', W: 'WRITE' };

export default defineRule({
  meta: {
    id: 'fork-exclusive-clear',
    catalogue: 'R8',
    severity: 'error',
    category: 'correctness',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect a fork copy that leaves an exclusive swap or migration entry in parent or child',
    messages: {
      narrowGuard:
        'the downgrade to {{maker}}() does not run for {{types}} entries: after fork they still claim an exclusive page that parent and child share (use !is_readable_migration_entry())',
      keepsExclusive:
        '{{sink}}() installs an entry known to be exclusive (pte_swp_exclusive()) without pte_swp_clear_exclusive(): parent and child share the page',
      childExclusive:
        '{{sink}}() installs in the child a value without the downgrade the parent got at line {{line}}: the child\'s entry still claims exclusivity',
      parentExclusive:
        '{{op}}() makes only the child\'s entry shared; the parent\'s source slot is not written back and still claims exclusivity',
      exclusiveMaker:
        '{{maker}}() builds an exclusive entry in a fork copy: parent and child share the page',
      missingDowngrade:
        'the {{kind}} arm copies the entry to the child without {{needed}}: parent and child both keep an entry that claims an exclusive page',
      narrowedGuard:
        'the patch narrows `{{condition}}`: {{type}} entries no longer take the fork\'s downgrade and keep claiming an exclusive page that parent and child share (judged from the hunks)',
      hunkCarry:
        'the fork\'s exclusivity clear {{call}}() (under {{guard}}) is missing from this function in this version: parent and child keep an entry that claims an exclusive page (judged from the hunks; give --tree for the full analysis)',
    },
    hunkCarry: { kind: 'forkShare', messageId: 'hunkCarry' },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the entry types a fork copy's type test admits.
    // The downgrade it guards is often below the hunk, but both images share it: a condition the
    // patch narrows (`!is_readable_migration_entry()` -> `is_writable_migration_entry()`) stops
    // downgrading the types it no longer admits.
    hunkFacts: { messageId: 'narrowedGuard', collect: admittedTypes },
    keywords: [
      'pte_swp_exclusive', 'pte_swp_clear_exclusive', 'make_readable_migration_entry', 'is_readable_migration_entry',
      'is_writable_migration_entry', 'make_readable_exclusive_migration_entry', 'make_readable_device_private_entry',
      'is_migration_entry', 'is_pmd_migration_entry', 'is_hugetlb_entry_migration', 'softleaf_is_migration',
    ],
    docs: {
      why: [
        'Since 6c287605fd56 and 1493a1913e34 ("mm/swap: remember PG_anon_exclusive via a swp pte',
        'bit") exclusivity of an anonymous page survives unmapping: in the swp bit (pte_swp_exclusive()) and',
        'in the migration entry type (WRITE and READ_EXCLUSIVE are exclusive, READ is shared). When fork',
        'copies such an entry the page becomes shared, so both the parent\'s entry (written back with',
        'set_pte_at(src_mm, ..)) and the child\'s must drop the claim: pte_swp_clear_exclusive(), and',
        'make_readable_migration_entry() whenever !is_readable_migration_entry() (which covers READ_EXCLUSIVE;',
        'is_writable_migration_entry() does not). An entry left exclusive lets a later swap-in or migration',
        'map the shared page writable in one process without COW (the GUP pin and COW coherency that 6c287605fd56 restored): GUP pins and',
        'page tables diverge, or one process writes the other\'s memory.',
      ].join(' '),
      fix: 'clear exclusivity on the value written back to the parent and use that same value for the child: pte = pte_swp_clear_exclusive(orig_pte); set_pte_at(src_mm, addr, src_pte, pte); ...; set_pte_at(dst_mm, addr, dst_pte, pte); guard the migration downgrade with !is_readable_migration_entry(entry)',
      limits: [
        'A fork copy is recognised by its slot names (src_*/dst_*). The guard of a downgrade is evaluated',
        'over the entry types only (other conditions are unknown). The child\'s value is followed through its',
        'definitions; definitions that always run with the parent\'s write-back rule out the paths that',
        'skip them. An arm for swap, migration or device-private entries (non_swap_entry(), is_migration_entry(), ...)',
        'that reaches the child\'s install must contain its share step; exclusive bits set by helpers of other',
        'files are not seen.',
      ].join(' '),
      references: [
        'linux-mm, 2022-03: "mm/swap: remember PG_anon_exclusive via a swp pte bit"',
        '6c287605fd56 mm: remember exclusively mapped anonymous pages with PG_anon_exclusive',
        '1493a1913e34 mm/swap: remember PG_anon_exclusive via a swp pte bit',
        'mm/memory.c: copy_nonpresent_pte()',
        'mm/huge_memory.c: copy_huge_pmd()',
        'mm/hugetlb.c: copy_hugetlb_page_range()',
      ],
      examples: {
        invalid: [
          `static void copy_migration_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		pte_t *dst_pte, pte_t *src_pte, struct vm_area_struct *dst_vma,
		unsigned long addr, unsigned long vm_flags)
{
	pte_t orig_pte = ptep_get(src_pte);
	pte_t pte = orig_pte;
	swp_entry_t entry = pte_to_swp_entry(orig_pte);

	if (!is_migration_entry(entry))
		return;
	if (is_writable_migration_entry(entry) && is_cow_mapping(vm_flags)) {
		entry = make_readable_migration_entry(swp_offset(entry));
		pte = swp_entry_to_pte(entry);
		if (pte_swp_soft_dirty(orig_pte))
			pte = pte_swp_mksoft_dirty(pte);
		if (pte_swp_uffd_wp(orig_pte))
			pte = pte_swp_mkuffd_wp(pte);
		set_pte_at(src_mm, addr, src_pte, pte);
	}
	if (!userfaultfd_wp(dst_vma))
		pte = pte_swp_clear_uffd_wp(pte);
	set_pte_at(dst_mm, addr, dst_pte, pte);
}`,
        ],
        valid: [
          `static void copy_migration_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		pte_t *dst_pte, pte_t *src_pte, struct vm_area_struct *dst_vma,
		unsigned long addr, unsigned long vm_flags)
{
	pte_t orig_pte = ptep_get(src_pte);
	pte_t pte = orig_pte;
	swp_entry_t entry = pte_to_swp_entry(orig_pte);

	if (!is_migration_entry(entry))
		return;
	if (!is_readable_migration_entry(entry) && is_cow_mapping(vm_flags)) {
		entry = make_readable_migration_entry(swp_offset(entry));
		pte = swp_entry_to_pte(entry);
		if (pte_swp_soft_dirty(orig_pte))
			pte = pte_swp_mksoft_dirty(pte);
		if (pte_swp_uffd_wp(orig_pte))
			pte = pte_swp_mkuffd_wp(pte);
		set_pte_at(src_mm, addr, src_pte, pte);
	}
	if (!userfaultfd_wp(dst_vma))
		pte = pte_swp_clear_uffd_wp(pte);
	set_pte_at(dst_mm, addr, dst_pte, pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    const fork = facts.localForkCopy;
    if (!fork.isCopy) return;
    const sinks = [...fork.srcWriteBacks, ...fork.dstOps];
    const lineages = new Map<SlotOp, Lineage[]>(sinks.map((op) => [op, fork.lineages(op)]));
    const reported = new Set<number>();
    const once = (id: number): boolean => (reported.has(id) ? false : (reported.add(id), true));

    // Downgrades whose guard leaves a WRITE or READ_EXCLUSIVE entry exclusive.
    const steps = new Map<number, Call>();
    for (const ls of lineages.values()) for (const l of ls) for (const s of l.steps) steps.set(s.node.id, s);
    for (const s of [...steps.values()].sort((a, b) => a.node.startIndex - b.node.startIndex)) {
      const family = roleData(s.name, 'sharedEntryMaker');
      if (family) {
        const missed = typesMissed(s.point.guards, family);
        if (missed.length === 0) continue;
        const where = typePredicateIn(s.point.guards, family) ?? s.node;
        if (once(where.id)) report({ node: where, messageId: 'narrowGuard', data: { maker: s.name, types: missed.map((t) => TYPE_NAMES[t]).join(' and ') } });
      } else if (hasRole(s.name, 'exclusivity-encoder') && once(s.node.id)) {
        report({ node: s.node, messageId: 'exclusiveMaker', data: { maker: s.name } });
      }
    }

    // A copied value installed where the entry is known exclusive, without the clear.
    for (const op of sinks) {
      for (const l of lineages.get(op) ?? []) {
        if (!fork.copied(l) || l.steps.some(isShareStep)) continue;
        const points = [op.call.point, ...l.defs.map((d) => d.point)];
        if (!facts.compatible(points)) continue;
        const guards = points.flatMap((p) => p.guards);
        const exclusive = guards.some((g) => atomsOf(g).some((a) => a.definite && a.positive && isCallNamed(a.node.type === 'call_expression' ? a.node.childForFieldName('function')?.text : undefined)));
        if (exclusive && once(op.call.node.id)) report({ node: op.call.node, messageId: 'keepsExclusive', data: { sink: op.call.name } });
      }
    }

    // The parent's downgraded write-back and the child's install must be the same value.
    for (const s of fork.srcWriteBacks) {
      if (!(lineages.get(s) ?? []).some((l) => l.steps.some(isShareStep))) continue;
      for (const d of fork.dstOps) {
        if (d.call.node.startIndex < s.call.node.startIndex || !mayRunTogether(facts, s.call.point, d.call.point)) continue;
        // A fragment rebuilt from hunks may not show the child's definitions: only copies count there.
        const live = (lineages.get(d) ?? []).filter((l) => fork.liveWith(l, d, s.call) && (!facts.partial || fork.copied(l)));
        if (live.some((l) => !l.steps.some(isShareStep)) && once(d.call.node.id)) {
          report({ node: d.call.node, messageId: 'childExclusive', data: { sink: d.call.name, line: lineOf(s.call.node) } });
        }
      }
    }

    // The checks below report an absence, which a fragment rebuilt from hunks cannot prove.
    if (facts.partial) return;

    // A downgrade that reaches only the child.
    for (const d of fork.dstOps) {
      for (const l of lineages.get(d) ?? []) {
        for (const c of l.steps.filter(isShareStep)) {
          const parent = fork.srcWriteBacks.some(
            (s) => mayRunTogether(facts, s.call.point, c.point) && (lineages.get(s) ?? []).some((ls) => ls.steps.some(isShareStep)),
          );
          if (!parent && once(c.node.id)) report({ node: c.node, messageId: 'parentExclusive', data: { op: c.name } });
        }
      }
    }

    // An arm for swap, migration or device-private entries that never makes the entry shared: the
    // catch-all when the checks above found nothing more precise in this function.
    if (reported.size > 0) return;
    for (const arm of exclusiveArms(fork)) {
      // An arm that builds an exclusive entry is reported there (exclusiveMaker), once.
      if (armShares(arm) || arm.calls.some((c) => hasRole(c.name, 'exclusivity-encoder')) || !once(arm.predicate.id)) continue;
      const needed = arm.needs === 'swpClear' ? 'pte_swp_clear_exclusive()' : arm.needs === 'migration' ? 'make_readable_migration_entry()' : 'make_readable_device_private_entry()';
      report({ node: arm.predicate, messageId: 'missingDowngrade', data: { kind: arm.predicate.childForFieldName('function')?.text ?? 'entry', needed } });
    }
  },
});

function isCallNamed(name: string | undefined): boolean {
  return name !== undefined && hasRole(name, 'swp-exclusive-test');
}

/**
 * In a fork copy (src/analysis/fork-copy.ts looksLikeForkCopy): for each condition that tests a
 * swap entry's type, the exclusive types it admits, one fact each.
 */
function admittedTypes(facts: FunctionFacts): HunkFact[] {
  if (!looksLikeForkCopy(facts)) return [];
  const out: HunkFact[] = [];
  const seen = new Set<number>();
  for (const call of facts.model.calls) {
    const predicate = roleData(call.name, 'swapTypeTest');
    const condition = predicate && conditionOf(call.node);
    if (!predicate || !condition || seen.has(condition.id)) continue;
    seen.add(condition.id);
    for (const t of SWAP_ENTRY_FAMILY_TYPES.get(predicate.family) ?? []) {
      if (t === 'R' || !guardsAllowType([{ expr: condition, positive: true }], predicate.family, t)) continue;
      out.push({ key: `admits:${predicate.family}:${t}`, node: call.node, data: { condition: condition.text.replace(/\s+/g, ' '), type: TYPE_NAMES[t] } });
    }
  }
  return out;
}

/** The condition of the `if` whose test holds `node`. */
function conditionOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n: SyntaxNode | null = node; n?.parent; n = n.parent) {
    if (n.parent.type === 'if_statement' && n.parent.childForFieldName('condition')?.id === n.id) return n;
    if (/statement$|declaration$/.test(n.type)) return undefined;
  }
  return undefined;
}
