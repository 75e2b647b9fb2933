// Slot origins: the old entry an install replaces when the function itself no longer reads it.
//
// An install over an entry is a transition whether or not the code still looks at the entry it
// replaces. Once a carry (`if (huge_pte_uffd_wp(old)) newpte = huge_pte_mkuffd_wp(newpte);`) is
// deleted, 6.12 hugetlb_install_folio() reads nothing of `old` any more, and do_anonymous_page()
// reads nothing of vmf->orig_pte, yet both still replace an entry that can carry uffd-wp. The
// origin of the slot is then known from outside the body:
//
// - a parameter named as the old entry (`pte_t old`, `orig_pte`, `old_pmd`): the caller hands the
//   function the entry it replaces (hugetlb_install_folio(), replace_page());
// - the fault entry of a fault handler (`vmf->orig_pte`, installed over at `vmf->pte`): it may be a
//   uffd-wp marker when a same-file caller reaches the handler under a uffd-wp marker test
//   (6.12 handle_pte_marker() -> pte_marker_handle_uffd_wp() -> do_pte_missing() ->
//   do_anonymous_page()). A caller that reaches it only for an empty slot (`if (!vmf->pte)`,
//   6.1 handle_pte_fault()) passes no marker; a handler nobody in the file calls is unknown, and
//   unknown is no evidence.

import type { FunctionFacts } from './facts.js';
import { hasRole, type Level } from './kernel-api.js';
import { atomsOf } from './guards.js';
import type { Call } from './function-model.js';
import type { SyntaxNode } from '../lang/parser.js';

export interface SlotOrigin {
  /** How the code names the old entry (`old`, `vmf->orig_pte`). */
  name: string;
  /** The parameter that stands for it (its declaration gives the line). */
  node: SyntaxNode;
  level: Level;
  /** A named parameter: an entry of any kind the caller read; a fault entry: a uffd-wp marker. */
  kind: 'entry' | 'marker';
  /** The slot the origin belongs to (`vmf->pte`), or undefined for any install of the function. */
  slot?: string;
}

/** Parameter names that say "the entry this function replaces". */
const OLD_ENTRY_PARAM = /^(?:old|orig)(?:_?(?:pte|pmd|pud|entry|val))?$/;
const ENTRY_TYPE = /^(pte|pmd|pud)_t$/;


/** The slot origins of a function: named old-entry parameters and, for fault handlers, the fault entry. */
export function slotOriginsOf(facts: FunctionFacts): SlotOrigin[] {
  const out: SlotOrigin[] = [];
  const { model } = facts;
  for (const [name, type] of model.params) {
    const m = ENTRY_TYPE.exec(type.trim());
    if (!m || !OLD_ENTRY_PARAM.test(name)) continue;
    const node = paramNode(facts, name);
    if (node) out.push({ name, node, level: m[1] as Level, kind: 'entry' });
  }
  const vmf = faultParam(facts);
  if (vmf && mayReceiveUffdMarker(facts, new Set())) {
    const node = paramNode(facts, vmf);
    if (node) out.push({ name: `${vmf}->orig_pte`, node, level: 'pte', kind: 'marker', slot: `${vmf}->pte` });
  }
  return out;
}

/** The name of the function's `struct vm_fault *` parameter. */
function faultParam(facts: FunctionFacts): string | undefined {
  for (const [name, type] of facts.model.params) if (/struct\s+vm_fault\s*\*/.test(type)) return name;
  return undefined;
}

function paramNode(facts: FunctionFacts, name: string): SyntaxNode | undefined {
  const decl = facts.model.node.descendantsOfType('parameter_declaration')
    .find((p) => p.descendantsOfType('identifier').some((id) => id.text === name));
  return decl?.descendantsOfType('identifier').find((id) => id.text === name);
}

const markerCache = new WeakMap<FunctionFacts, boolean>();

/**
 * Does some same-file caller hand this fault handler its fault with a uffd-wp marker in the slot?
 * A call under a marker test does; a call under an empty-slot test does not; any other call passes
 * on what its own caller handed it.
 */
function mayReceiveUffdMarker(facts: FunctionFacts, visiting: Set<string>): boolean {
  const cached = markerCache.get(facts);
  if (cached !== undefined) return cached;
  if (visiting.has(facts.name)) return false;
  visiting.add(facts.name);
  let result = false;
  for (const caller of facts.file.callersOf?.(facts.name) ?? []) {
    const vmf = faultParam(caller);
    // A fault the caller builds itself (`struct vm_fault vmf = {..}; hugetlb_no_page(mapping, &vmf)`)
    // starts there: only its own tests speak.
    const local = /\bstruct\s+vm_fault\s+(\w+)\s*=/.exec(caller.model.body.text)?.[1];
    for (const call of caller.model.calls) {
      if (call.name !== facts.name) continue;
      const passed = call.args.map((a) => a.text.replace(/\s+/g, ''));
      const viaParam = vmf !== undefined && passed.includes(vmf);
      const viaLocal = local !== undefined && passed.includes(`&${local}`);
      if (!viaParam && !viaLocal) continue;
      const said = markerAt(call, viaParam ? `${vmf}->` : `${local}.`);
      if (said === true || (said === undefined && viaParam && mayReceiveUffdMarker(caller, visiting))) {
        result = true;
        break;
      }
    }
    if (result) break;
  }
  visiting.delete(facts.name);
  // Only a settled answer is kept: one computed inside a cycle may miss the way round it.
  if (visiting.size === 0 || result) markerCache.set(facts, result);
  return result;
}

/** What the guards of a call say about the fault slot (`vmf->`, `vmf.`): a marker (true), empty (false), or nothing. */
function markerAt(call: Call, fault: string): boolean | undefined {
  let empty = false;
  for (const g of call.point.guards) {
    for (const a of atomsOf(g)) {
      if (!a.definite) continue;
      const text = a.node.text.replace(/\s+/g, '');
      if (!a.positive && text === `${fault}pte`) empty = true;
      if (a.node.type !== 'call_expression') continue;
      const name = a.node.childForFieldName('function')?.text ?? '';
      // A uffd-wp marker test, or none-or-marker (6.12 hugetlb_fault() -> hugetlb_no_page()): a marker may be there.
      if (a.positive && hasRole(name, ['uffd-marker-test', 'none-or-marker-test'])) return true;
      if (a.positive && hasRole(name, 'empty-test')) empty = true;
    }
  }
  return empty ? false : undefined;
}
