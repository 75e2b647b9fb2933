// The family an entry accessor belongs to, as patch-mode facts (src/engine/patch-mode/hunk-facts.ts): a
// swap-family accessor (`pte_swp_uffd_wp(x)`, `pte_swp_clear_uffd_wp(x)`) says that `x` holds a
// non-present entry where it is applied; the same access respelled in the present family
// (`pte_uffd_wp(x)`, `huge_pte_mkuffd_wp(x)`) on the same value is then a present accessor on a
// swap entry, whatever the unseen lines around it hold, because both images share them.

import type { SyntaxNode } from '../lang/parser.js';
import type { FunctionFacts } from './facts.js';
import { accessOfName, hasRole, type EntryKind } from './kernel-api.js';

export interface AccessorFact {
  /** `<family>:<access>:<value>`: the family, the access without its level and family, the value read. */
  key: string;
  node: SyntaxNode;
  data: Record<string, string>;
}

/** `pte_swp_mkuffd_wp` -> `mkuffd_wp`, `huge_pte_clear_uffd_wp` -> `clear_uffd_wp`. */
export function accessOf(name: string): string {
  return accessOfName(name);
}

/** Every present-only or swap-only accessor call of the function, with the value it reads. */
export function accessorFacts(facts: FunctionFacts): AccessorFact[] {
  const out: AccessorFact[] = [];
  for (const call of facts.model.calls) {
    const family: EntryKind | undefined = hasRole(call.name, 'swap-only-accessor') ? 'swap' : hasRole(call.name, 'present-only-accessor') ? 'present' : undefined;
    const value = call.args[0];
    if (!family || !value) continue;
    const text = value.text.replace(/\s+/g, '');
    out.push({ key: `${family}:${accessOf(call.name)}:${text}`, node: call.node, data: { call: call.name, value: value.text.replace(/\s+/g, ' ') } });
  }
  return out;
}

interface Keyed {
  key: string;
  line: number;
  changed?: boolean;
}

/**
 * The losses that are a swap-family access respelled as the same access in the present family on
 * the same value (the gained fact is where the present accessor now is), for the accesses `keep`
 * selects. The pre-image's own reading is not trusted where its context contradicts it: when the
 * nearest unchanged accessor on the same value is of the present family (a respelling in a
 * present arm next to `pte_soft_dirty(x)`), the pre-image was the wrong one and the patch a fix.
 */
export function respelledSwapToPresent<F extends Keyed & { data: Record<string, string> }>(
  lost: F[], gained: F[], before: F[], keep: (access: string) => boolean,
): Array<{ lost: F; at: F; data: Record<string, string> }> {
  const out: Array<{ lost: F; at: F; data: Record<string, string> }> = [];
  for (const l of lost) {
    const m = /^swap:([^:]*):(.*)$/.exec(l.key);
    if (!m || !keep(m[1])) continue;
    const at = gained.find((g) => g.key === `present:${m[1]}:${m[2]}`);
    if (!at || contextSays(before, m[2], l.line, 'present')) continue;
    out.push({ lost: l, at, data: { what: `with the present-entry ${at.data.call ?? 'accessor'}()` } });
  }
  return out;
}

/** Is one of the unchanged accessors on `value` nearest to `line` of `family`? */
function contextSays(facts: Keyed[], value: string, line: number, family: EntryKind): boolean {
  const onValue = facts.filter((f) => !f.changed && f.key.endsWith(`:${value}`) && /^(?:swap|present):/.test(f.key));
  if (onValue.length === 0) return false;
  const distance = Math.min(...onValue.map((f) => Math.abs(f.line - line)));
  return onValue.filter((f) => Math.abs(f.line - line) === distance).some((f) => f.key.startsWith(`${family}:`));
}
