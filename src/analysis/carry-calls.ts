// The statements of a function that carry a tracked bit across a transition, as a reviewer reads
// them in a diff: `if (pte_swp_uffd_wp(old)) pte = pte_mkuffd_wp(pte);`,
// `pte = move_soft_dirty_pte(pte);`, `if (!userfaultfd_wp(dst_vma)) pte = pte_clear_uffd_wp(pte);`.
// Patch mode without a tree sees a few lines around each hunk, rarely the old entry's read and the
// new entry's construction that the full analyses (bit-transfer.ts, uffd-wp-transfers.ts) pair. What
// it does see is a hunk that deletes such a statement and adds none back: the typical one-line
// loss (a lost *_mkuffd_wp). The delta engine pairs the carries a hunk removes
// with those it adds (src/engine/patch-mode/hunk-carries.ts); this module says which calls are carries.

import type { SyntaxNode } from '../lang/parser.js';
import type { FunctionFacts } from './facts.js';
import { apiOf, hasRole } from './kernel-api.js';
import { identifiersIn, unparenthesized } from './syntax.js';
import { atomsOf } from './guards.js';
import type { Guard } from './function-model.js';

/**
 * What a carry statement keeps: uffd-wp (R3), soft-dirty (R5), uffd-wp cleared for an unregistered
 * VMA (R4), a COW fork's write-protection of parent or child (R7), a fork's clearing of
 * exclusivity (R8: `pte_swp_clear_exclusive()`, the downgrade to a readable migration entry).
 */
export type CarryKind = 'uffdCarry' | 'softDirtyCarry' | 'uffdClear' | 'cowWrprotect' | 'forkShare';

export interface CarryCall {
  kind: CarryKind;
  node: SyntaxNode;
  name: string;
  /** The condition it runs under, as written (empty when unconditional). */
  guard: string;
}


/**
 * A guard that means "the destination must not carry uffd-wp" (R4): `!userfaultfd_wp(dst_vma)`,
 * `need_clear_uffd_wp`, `vma_has_uffd_without_event_remap(vma)`. Not the async resolve of a
 * registered VMA (`userfaultfd_wp_async(vma)` in hugetlb_fault()).
 */
function unregisteredDestination(guard: Guard): boolean {
  return atomsOf(guard).some((a) => {
    if (!a.definite) return false;
    const name = a.node.type === 'call_expression' ? a.node.childForFieldName('function')?.text : a.node.type === 'identifier' ? a.node.text : undefined;
    return name !== undefined && ((hasRole(name, 'uffd-wp-vma-test') && !a.positive) || (hasRole(name, 'uffd-wp-unregistered-test') && a.positive));
  });
}

export function carryCalls(facts: FunctionFacts): CarryCall[] {
  const out: CarryCall[] = [];
  for (const call of facts.model.calls) {
    const effect = apiOf(call.name)?.effect;
    const guards = call.point.guards;
    // The innermost condition is the one that reads as the carry's test (`if (pte_swp_uffd_wp(old))`).
    const inner = guards[guards.length - 1];
    const guard = inner ? (inner.positive ? '' : '!') + unparenthesized(inner.expr).text.replace(/\s+/g, ' ') : '';
    const meanings = facts.meanings(guards);
    if (hasRole(call.name, 'uffd-wp-zap-installer')) {
      out.push({ kind: 'uffdCarry', node: call.node, name: call.name, guard });
    } else if (effect === 'setUffd') {
      // A carry tests the old entry's bit (or a boolean of it); a request flag (MM_CP_UFFD_WP,
      // MFILL_ATOMIC_WP) applies protection instead and is not a carry.
      // Under a writable source it carries nothing (writable => no uffd-wp, docs/invariants.md#uffd-wp-propagate:
      // change_pte_range()'s writable migration arm).
      if (meanings.some((m) => m.cls === 'srcWrite' && m.positive)) continue;
      if (meanings.some((m) => m.cls === 'uffd' && m.positive && m.origin !== 'request') || carriesBoolean(guards.map((g) => g.expr), 'uffd_wp')) {
        out.push({ kind: 'uffdCarry', node: call.node, name: call.name, guard });
      }
    } else if (effect === 'setSoftDirty') {
      if (hasRole(call.name, 'soft-dirty-move-marker') || guards.length === 0 ||
        meanings.some((m) => m.cls === 'softDirty' && m.positive) || carriesBoolean(guards.map((g) => g.expr), 'soft_dirty')) {
        out.push({ kind: 'softDirtyCarry', node: call.node, name: call.name, guard });
      }
    } else if (effect === 'clearUffd') {
      if (guards.some(unregisteredDestination)) out.push({ kind: 'uffdClear', node: call.node, name: call.name, guard });
    }
    // Fork copies: the in-place write-protects of the parent (fork-only operations), and the
    // child's value write-protect under `is_cow_mapping() && pte_write()` (or the hugetlb `cow`),
    // or unconditional next to an in-place one (6.1 copy_huge_pud()); the exclusivity clears under
    // `pte_swp_exclusive()` / `is_cow_mapping()`.
    if (hasRole(call.name, 'inPlaceWrprotect')) {
      out.push({ kind: 'cowWrprotect', node: call.node, name: call.name, guard });
    } else if (effect === 'wrprotect' && apiOf(call.name)?.level !== 'swp') {
      const cowGuard = meanings.some((m) => m.cls === 'cowMapping' && m.positive) || carriesBoolean(guards.map((g) => g.expr), 'cow');
      if (cowGuard || (guards.length === 0 && facts.model.calls.some((c) => hasRole(c.name, 'inPlaceWrprotect')))) {
        out.push({ kind: 'cowWrprotect', node: call.node, name: call.name, guard });
      }
    }
    if (hasRole(call.name, 'swp-exclusive-clear') || (hasRole(call.name, 'sharedEntryMaker') && guards.some((g) => /\b(?:is_cow_mapping|cow)\b/.test(g.expr.text)))) {
      out.push({ kind: 'forkShare', node: call.node, name: call.name, guard });
    }
  }
  return out;
}

/** `if (uffd_wp)` in the PMD split: the boolean the old entry's bit was decoded into. */
function carriesBoolean(exprs: SyntaxNode[], name: string): boolean {
  return exprs.some((e) => identifiersIn(e).includes(name));
}
