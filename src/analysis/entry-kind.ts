// Entry kinds per value and program point (R6; docs/invariants.md#entry-states-and-bits): is the entry a
// value holds at a given use a present entry, a non-present one (swap, migration, device,
// marker), or unknown? The answer comes, most direct first, from
//   1. the guards that dominate the use and test this very value (`pte_present(v)` and its
//      negation, `is_swap_pte(v)`, `pte_none(v) || is_swap_pte(v)` exits, early exits, `else`
//      arms, && / ?: conditions, a boolean assigned once from such a test, a `softleaf_is_*()` test
//      of the leaf decoded from v), provided v was not redefined (or, for `*slot`, written) since;
//   2. the definitions that reach the use (SSA-like: `pte` built by mk_pte() is present, the same
//      `pte` rebuilt by swp_entry_to_pte() is not; remove_migration_pte);
//   3. a decoder (`pte_to_swp_entry(v)`) applied to the same definition of v before the use, on
//      every path to it (not softleaf_from_pte(): it accepts present entries and returns "none");
//   4. a device-private folio/page branch (`folio_is_device_private(folio)`): a PTE read before the
//      branch is a device-private swap entry inside it — forward only, never for uses before the
//      branch (try_to_migrate_one's pte_dirty(pteval) precedes the branch);
//   5. `vmf->orig_pte` in do_swap_page() before it is reassigned.
// Anything else is unknown, and unknown values are never reported.

import type { SyntaxNode } from '../lang/parser.js';
import {
  apiOf,
  hasRole,
  isClearingReadName,
  isPteSlotAccessorName,
  isSetterName,
  LEAF_ENTRY_PREDICATE,
  roleData,
  type EntryKind,
} from './kernel-api.js';
import { placeName, type Assignment, type Point } from './function-model.js';
import { atomsOf, type Atom } from './guards.js';
import { dominates, type ValueFlow } from './value-flow.js';
import { NEWEST_KERNEL, type KernelVersion } from '../kernel-version.js';

export type { EntryKind } from './kernel-api.js';

type PredicateSpec = { whenTrue?: EntryKind; whenFalse?: EntryKind; whenFalseAndNotNone?: EntryKind };

interface KindTest {
  name: string;
  /** The entry tested. */
  place: string;
  positive: boolean;
  /** The predicate call (for messages). */
  call: SyntaxNode;
  /** From where on the entry must not be redefined: the test, or the decode it tests. */
  since: SyntaxNode;
  /** Overrides the table's kindTest (leaf-entry predicates). */
  spec?: PredicateSpec;
}

export interface KindEvidence {
  kind: EntryKind;
  /** Why, in words that fit a message: "guarded by !pte_present(pteval)". */
  reason: string;
  /** Where the evidence is (its line goes in messages). */
  node: SyntaxNode;
}

/** The role of an accessor: the kind of entry it may be applied to. */
export function accessorKind(name: string): EntryKind | undefined {
  if (hasRole(name, 'present-only-accessor')) return 'present';
  if (hasRole(name, 'swap-only-accessor')) return 'swap';
  return undefined;
}

const MAX_DEPTH = 16;

export class EntryKinds {
  private readonly memo = new Map<number, KindEvidence | null>();

  constructor(
    private readonly flow: ValueFlow,
    /** Rebuilt from patch hunks: definitions above the hunk are not visible. */
    private readonly partial = false,
    /** Decides what older device-page tests mean (is_zone_device_page() before 6.0). */
    private readonly version?: KernelVersion,
  ) {}

  /**
   * "Maybe swap": no single kind, but the definitions reaching the use are each of a known kind,
   * and one that runs before it is non-present (`pte = mk_pte(..); if (device_private) pte =
   * swp_entry_to_pte(..);` then a use after the branch). A present accessor there reads or sets a
   * swp bit on that path.
   */
  maybeSwap(expr: SyntaxNode): KindEvidence | undefined {
    if (this.kindOf(expr)) return undefined;
    const e = strip(expr);
    if (e.type !== 'identifier' && e.type !== 'field_expression') return undefined;
    const place = placeName(e);
    const use = this.flow.model.pointOf(e);
    const defs = this.flow.reachingDefinitions(place, e);
    // Guards that say anything (or contradict) about this value win over its definitions.
    if (this.guardKind(place, e, use, defs) !== undefined) return undefined;
    if (defs.length < 2 || defs.some((d) => d.operator !== '=' || d.order > e.startIndex)) return undefined;
    let swap: KindEvidence | undefined;
    let present = false;
    for (const d of defs) {
      // `pte = pte_swp_mksoft_dirty(pte)` keeps the kind of the value before it (a wrong family
      // there is reported at that call, not again at every later use).
      if (transformsItself(d)) continue;
      // Device-private pages are never hugetlb: a device-private rebuild does not reach a use in
      // the hugetlb arm (6.1 remove_migration_pte()'s pte_mkhuge()).
      if (this.underTest(d.point, (n) => this.selectsDevicePrivate(n)) && this.underTest(use, (n) => hasRole(n, 'hugetlb-test'))) continue;
      const k = this.kindOf(d.value, 1);
      if (!k) return undefined;
      if (k.kind === 'swap') swap ??= { kind: 'swap', reason: `non-present on the path through ${d.value.text.replace(/\s+/g, ' ')}`, node: d.value };
      else present = true;
    }
    return swap && present ? swap : undefined;
  }

  /** The kind of the entry `expr` evaluates to at its own position, if known. */
  kindOf(expr: SyntaxNode, depth = 0): KindEvidence | undefined {
    const cached = this.memo.get(expr.id);
    if (cached !== undefined) return cached ?? undefined;
    if (depth > MAX_DEPTH) return undefined;
    const found = this.compute(expr, depth);
    this.memo.set(expr.id, found ?? null);
    return found;
  }

  private compute(expr: SyntaxNode, depth: number): KindEvidence | undefined {
    const e = strip(expr);
    if (e.type === 'call_expression') return this.callKind(e, depth);
    if (e.type === 'conditional_expression') {
      const a = e.childForFieldName('consequence');
      const b = e.childForFieldName('alternative');
      const ka = a ? this.kindOf(a, depth + 1) : undefined;
      const kb = b ? this.kindOf(b, depth + 1) : undefined;
      return ka && kb && ka.kind === kb.kind ? ka : undefined;
    }
    if (e.type === 'identifier' || e.type === 'field_expression' || (e.type === 'pointer_expression' && e.text.startsWith('*'))) {
      return this.placeKind(e, depth);
    }
    return undefined;
  }

  private callKind(e: SyntaxNode, depth: number): KindEvidence | undefined {
    const name = e.childForFieldName('function')?.text ?? '';
    const args = e.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    if (hasRole(name, 'present-entry-builder') || (hasRole(name, 'present-only-accessor') && isSetterName(name))) {
      return { kind: 'present', reason: `built by ${name}()`, node: e };
    }
    if (hasRole(name, 'swap-entry-builder') || (hasRole(name, 'swap-only-accessor') && isSetterName(name))) {
      return { kind: 'swap', reason: `built by ${name}()`, node: e };
    }
    if (hasRole(name, 'kind-preserving') && args[0]) return this.kindOf(args[0], depth + 1);
    return undefined;
  }

  private placeKind(e: SyntaxNode, depth: number): KindEvidence | undefined {
    const place = placeName(e);
    const use = this.flow.model.pointOf(e);
    const defs = this.flow.reachingDefinitions(place, e);
    const guarded = this.guardKind(place, e, use, defs);
    if (guarded !== undefined) return guarded ?? undefined;
    const defined = this.definitionKind(defs, depth, use);
    if (defined) return defined;
    if (defs.some((d) => d.operator !== '=' || this.kindOf(d.value, depth + 1))) return undefined;
    return this.decodedKind(place, e, use, defs) ?? this.devicePrivateKind(e, use, defs) ?? this.faultEntryKind(place, e, defs);
  }

  /**
   * The kind the dominating guards give this value: undefined when they say nothing, null when
   * they contradict each other (dead code: say nothing either).
   */
  private guardKind(place: string, at: SyntaxNode, use: Point, defs: Assignment[]): KindEvidence | null | undefined {
    let found: KindEvidence | undefined;
    let notNone = false;
    let pending: KindEvidence | undefined;
    for (const g of use.guards) {
      for (const atom of atomsOf(g)) {
        if (!atom.definite) continue;
        for (const tested of this.testsOf(atom)) {
          if (tested.place !== place) continue;
          // A test of an earlier definition says nothing about a later one.
          if (defs.some((d) => d.order > tested.since.startIndex) || tested.call.startIndex > at.startIndex) continue;
          if (this.slotWrittenBetween(place, tested.since, at)) continue;
          if (hasRole(tested.name, 'empty-test')) {
            notNone ||= !tested.positive;
            continue;
          }
          const spec = tested.spec ?? roleData(tested.name, 'kindTest');
          const reason = `guarded by ${tested.positive ? '' : '!'}${tested.call.text.replace(/\s+/g, ' ')}`;
          if (!tested.positive && spec?.whenFalseAndNotNone) pending ??= { kind: spec.whenFalseAndNotNone, reason, node: tested.call };
          const kind = tested.positive ? spec?.whenTrue : spec?.whenFalse;
          if (!kind) continue;
          if (found && found.kind !== kind) return null;
          found ??= { kind, reason, node: tested.call };
        }
      }
    }
    // `if (pte_none(pte)) continue; if (is_swap_pte(pte)) { ...; continue; }`: present from here on.
    if (notNone && pending) {
      if (found && found.kind !== pending.kind) return null;
      found ??= { ...pending, reason: `${pending.reason} and not none` };
    }
    return found;
  }

  /**
   * Kind tests an atom amounts to: a predicate on the entry itself, a predicate on the leaf entry
   * decoded from it (`softleaf_is_migration(softleaf_from_pte(pte))`, 2025+), or a boolean
   * assigned once from one of those.
   */
  private testsOf(atom: Atom): KindTest[] {
    const n = strip(atom.node);
    if (n.type === 'call_expression') {
      const name = n.childForFieldName('function')?.text ?? '';
      const arg = n.childForFieldName('arguments')?.namedChildren[0];
      if (!arg) return [];
      if (hasRole(name, 'kindTest') || hasRole(name, 'empty-test')) {
        return [{ name, place: placeName(strip(arg)), positive: atom.positive, call: n, since: n }];
      }
      const leaf = leafPredicateSpec(name);
      const source = leaf ? this.leafSource(arg) : undefined;
      if (!leaf || !source) return [];
      return [{ name, place: source.place, positive: atom.positive, call: n, since: source.decode, spec: leaf }];
    }
    if (n.type === 'identifier') {
      const defs = this.flow.definitionsOf(n.text);
      if (defs.length !== 1 || defs[0].operator !== '=') return [];
      const inner: readonly Atom[] = atomsOf({ expr: defs[0].value, positive: atom.positive });
      if (inner.length !== 1 || !inner[0].definite || strip(inner[0].node).type !== 'call_expression') return [];
      return this.testsOf(inner[0]);
    }
    return [];
  }

  /** The entry a leaf entry was decoded from: `softleaf_from_pte(pte)` directly or via one variable. */
  private leafSource(arg: SyntaxNode): { place: string; decode: SyntaxNode } | undefined {
    const a = strip(arg);
    const decoded = (v: SyntaxNode): { place: string; decode: SyntaxNode } | undefined => {
      const c = strip(v);
      if (c.type !== 'call_expression' || !hasRole(c.childForFieldName('function')?.text ?? '', 'leaf-entry-decoder')) return undefined;
      const inner = c.childForFieldName('arguments')?.namedChildren[0];
      return inner ? { place: placeName(strip(inner)), decode: c } : undefined;
    };
    if (a.type === 'call_expression') return decoded(a);
    if (a.type !== 'identifier') return undefined;
    const defs = this.flow.reachingDefinitions(a.text, a);
    if (defs.length !== 1 || defs[0].operator !== '=') return undefined;
    return decoded(defs[0].value);
  }

  /**
   * A dereferenced slot (`*pvmw.pte`, `*pmd`) has no definitions of its own: a test of it stops
   * holding once the slot is written or cleared (set_pte_at(.., pvmw.pte, ..), pte_clear()).
   */
  private slotWrittenBetween(place: string, from: SyntaxNode, to: SyntaxNode): boolean {
    if (!place.startsWith('*')) return false;
    const slot = place.slice(1);
    return this.flow.model.calls.some((c) => {
      if (c.node.startIndex < from.endIndex || c.node.startIndex > to.startIndex) return false;
      const arg = slotArgument(c.name, c.args);
      return !!arg && placeName(strip(arg)) === slot;
    });
  }

  /**
   * All reaching definitions give the same known kind. In a fragment rebuilt from hunks, only when
   * one of them runs on every path to the use: a conditional one (6.1 remove_migration_pte()'s
   * device-private `pte = swp_entry_to_pte(entry)`) may stand next to an unconditional one above
   * the hunk (`pte = mk_pte(..)`). A transform of the value itself (`pte = pte_swp_mksoft_dirty(pte)`)
   * is evidence either way: it says what the value was before it too, as long as the statement it
   * sits in precedes the use in the use's own block (not inside an arm that closed in between,
   * where the value before it may have come from another definition).
   */
  private definitionKind(defs: Assignment[], depth: number, use: Point): KindEvidence | undefined {
    if (defs.length === 0) return undefined;
    if (this.partial && !defs.some((d) => dominates(d.point, use)) && !defs.every((d) => transformsItself(d) && this.guardedBefore(d, use))) return undefined;
    let found: KindEvidence | undefined;
    for (const d of defs) {
      if (d.operator !== '=') return undefined;
      const k = this.kindOf(d.value, depth + 1);
      if (!k || (found && found.kind !== k.kind)) return undefined;
      found ??= k;
    }
    return found;
  }

  /**
   * `if (c) x = f(x);` right in a block that holds the use, before it: the only way around the
   * definition is its own condition, so the value before it reaches the use unchanged.
   */
  private guardedBefore(d: Assignment, use: Point): boolean {
    let stmt = d.node.parent;
    if (stmt?.type === 'expression_statement') stmt = stmt.parent;
    if (stmt?.type === 'compound_statement' && stmt.namedChildCount === 1) stmt = stmt.parent;
    if (stmt?.type !== 'if_statement' || stmt.childForFieldName('alternative')) return false;
    return dominates(this.flow.model.pointOf(stmt), use);
  }

  /** A decoder applied to the same definition of the value, on every path to the use. */
  private decodedKind(place: string, at: SyntaxNode, use: Point, defs: Assignment[]): KindEvidence | undefined {
    const defIds = new Set(defs.map((d) => d.node.id));
    for (const c of this.flow.model.calls) {
      if (!hasRole(c.name, 'swap-entry-decoder') || !c.args[0] || placeName(strip(c.args[0])) !== place) continue;
      if (c.node.endIndex > at.startIndex || !runsBefore(c.point, c.node, use, at)) continue;
      if (this.slotWrittenBetween(place, c.node, at)) continue;
      const atDecode = this.flow.reachingDefinitions(place, c.args[0]);
      if (atDecode.length !== defIds.size || atDecode.some((d) => !defIds.has(d.node.id))) continue;
      return { kind: 'swap', reason: `decoded by ${c.name}(${c.args[0].text.replace(/\s+/g, ' ')})`, node: c.node };
    }
    return undefined;
  }

  /**
   * Inside `if (folio_is_device_private(folio))`, a PTE read before the branch is the folio's
   * device-private swap entry (try_to_migrate_one; ad7df764b7e1). Only forward: try_to_migrate_one reads pte_dirty() before the branch.
   */
  private devicePrivateKind(at: SyntaxNode, use: Point, defs: Assignment[]): KindEvidence | undefined {
    if (defs.length === 0 || !defs.every((d) => d.operator === '=' && isPteRead(d.value))) return undefined;
    for (const g of use.guards) {
      for (const atom of atomsOf(g)) {
        const n = strip(atom.node);
        if (!atom.definite || !atom.positive || n.type !== 'call_expression') continue;
        const name = n.childForFieldName('function')?.text ?? '';
        if (!this.selectsDevicePrivate(name)) continue;
        if (n.endIndex > at.startIndex) continue;
        // A PTE read before the branch, or inside it (5.x try_to_migrate_one() clears the
        // device-private entry in the branch: `pteval = ptep_get_and_clear(..)`).
        if (defs.some((d) => d.order > n.startIndex && !d.point.guards.some((h) => h.expr.id === g.expr.id && h.positive === g.positive))) continue;
        return { kind: 'swap', reason: `the PTE of a device-private page inside ${n.text.replace(/\s+/g, ' ')}`, node: n };
      }
    }
    return undefined;
  }

  private underTest(point: Point, test: (name: string) => boolean): boolean {
    return point.guards.some((g) => atomsOf(g).some((a) => {
      const n = strip(a.node);
      return a.definite && a.positive && n.type === 'call_expression' && test(n.childForFieldName('function')?.text ?? '');
    }));
  }

  /** A page or folio test that, in this kernel, holds only for device-private pages. */
  private selectsDevicePrivate(name: string): boolean {
    return hasRole(name, 'device-private-page-test', this.version ?? NEWEST_KERNEL);
  }

  /** `vmf->orig_pte` in do_swap_page() before any reassignment: the swap entry that faulted. */
  private faultEntryKind(place: string, at: SyntaxNode, defs: Assignment[]): KindEvidence | undefined {
    if (defs.length > 0 || !/->orig_pte$/.test(place) || !hasRole(this.flow.model.name, 'swap-fault-handler')) return undefined;
    return { kind: 'swap', reason: `${place} is the non-present entry ${this.flow.model.name}() handles`, node: at };
  }
}

/**
 * What a leaf-entry predicate says about the entry its argument was decoded from: any
 * `softleaf_is_*()` that holds means a real leaf entry, hence non-present; `softleaf_is_none()`
 * failing means the same.
 */
function leafPredicateSpec(name: string): PredicateSpec | undefined {
  if (hasRole(name, 'leaf-none-test')) return { whenFalse: 'swap' };
  if (LEAF_ENTRY_PREDICATE.test(name)) return { whenTrue: 'swap' };
  return undefined;
}

/** Does the statement of `first` run before `use` on every path, under no extra condition? */
function runsBefore(first: Point, firstNode: SyntaxNode, use: Point, useNode: SyntaxNode): boolean {
  const useGuards = new Set(use.guards.map((g) => `${g.expr.id}:${g.positive}`));
  if (!first.guards.every((g) => useGuards.has(`${g.expr.id}:${g.positive}`))) return false;
  if (dominates(first, use)) return true;
  // The same statement (or one holding `use`): the order inside it decides.
  if (first.path.length === 0 || first.path.length > use.path.length) return false;
  for (let i = 0; i < first.path.length; i++) {
    if (first.path[i][0] !== use.path[i][0] || first.path[i][1] !== use.path[i][1]) return false;
  }
  return firstNode.endIndex <= useNode.startIndex;
}

/** The slot a call writes or clears, if it is an installer or a clearing read. */
function slotArgument(name: string, args: SyntaxNode[]): SyntaxNode | undefined {
  const sink = roleData(name, 'sink');
  if (sink) return args[sink.slotArg];
  const api = apiOf(name);
  if (api?.effect === 'read' && isClearingReadName(name)) {
    return api.slotArg === -1 ? args[args.length - 1] : args[api.slotArg ?? 0];
  }
  if (hasRole(name, 'slot-clear')) return args[2] ?? args[0];
  return undefined;
}

/** A read of a PTE slot: ptep_get(), huge_ptep_get(), ptep_clear_flush(), `*ptep`. */
function isPteRead(value: SyntaxNode): boolean {
  const v = strip(value);
  if (v.type === 'pointer_expression') return v.text.startsWith('*') && /pte\b/.test(v.text);
  if (v.type !== 'call_expression') return false;
  const name = v.childForFieldName('function')?.text ?? '';
  return apiOf(name)?.effect === 'read' && isPteSlotAccessorName(name);
}

function strip(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else if (n.type === 'call_expression' && /^(?:likely|unlikely)$/.test(n.childForFieldName('function')?.text ?? '')) {
      const a = n.childForFieldName('arguments')?.namedChildren[0];
      if (!a) return n;
      n = a;
    } else return n;
  }
}

/** `pte = pte_swp_mksoft_dirty(pte)`: a call whose first argument is the assigned variable. */
function transformsItself(d: Assignment): boolean {
  const v = d.value.type === 'call_expression' ? d.value.childForFieldName('arguments')?.namedChildren[0] : undefined;
  return !!v && placeName(v) === d.target;
}

