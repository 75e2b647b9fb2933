// Bit transfer (R3, R5; docs/invariants.md): does a tracking bit (uffd-wp, soft-dirty) of the old
// entry a function replaces reach the entry it installs? Two shapes are checked at every installer:
//
// (a) pairing: the new value is built fresh (mk_pte(), swp_entry_to_pte(make_*_entry(..))) and the
//     function decides the bit from the old entry somewhere on it (`if (pte_swp_uffd_wp(old))
//     pte = pte_mkuffd_wp(pte);`, split booleans `uffd_wp = pmd_uffd_wp(old_pmd)`); paths that skip
//     that setter are the "source lacked the bit" paths;
// (b) the transition with the pairing deleted: a fresh value installed by a function that read the
//     bits of an old entry (decoded it, tested its write/dirty/young/uffd-wp/soft-dirty state) or
//     cleared the very slot it installs into, with no setter of the bit on the value's path.
//
// Whole-value copies (the installed value is the old entry, modified) carry every bit. Moves (an
// entry cleared at one slot and installed at another of the same level) are offered to a policy that
// wants moves marked (mremap's move_soft_dirty_pte()). Zaps (a read-and-cleared entry with nothing
// installed after it) are listed as such. A same-file helper that installs a fresh value into a slot
// it is passed, without reading any entry itself (6.1 hugetlb_install_page()), is checked at its
// caller.
//
// This module states facts; the rules own the policy: rules/uffd-wp-propagate.ts and
// rules/soft-dirty-propagate.ts say which losses are findings (CarryPolicy) and what a zap owes.

import type { SyntaxNode } from '../lang/parser.js';
import {
  apiOf,
  apisWithRole,
  bitSetterName,
  bitTestName,
  hasRole,
  KERNEL_PROTECTION,
  levelOfName,
  readsKindOnly,
  roleData,
  sourceKindOfTest,
  UFFD_WP_MARKER,
  type Level,
} from './kernel-api.js';
import { alwaysExits, placeName, type Call, type Guard, type Point } from './function-model.js';
import { atomsOf } from './guards.js';
import { conditionShape } from './condition.js';
import type { FunctionFacts, Sink } from './facts.js';
import { isInside, type ValuePath } from './value-flow.js';
import { identifiersIn, unparenthesized } from './syntax.js';

export type CarriedBit = 'uffd' | 'softDirty';

/** Which way the entry went: present→swap is "encode", swap→present "decode", ... */
export type Direction = 'encode' | 'decode' | 'rebuild' | 'split' | 'unshare' | 'copy' | 'replace' | 'move';

/** An old entry the function reads: a table slot, a parameter, vmf->orig_pte. */
export interface OldEntry {
  key: string;
  /** How the code names it (`pteval`, `old_pmd`, `vmf->orig_pte`). */
  name: string;
  /** Where it was read (or first used). */
  node: SyntaxNode;
  level: Level;
  present: boolean;
  swap: boolean;
  marker: boolean;
  /** Its bits are read: decoded, or a write/dirty/young/uffd-wp/soft-dirty test. */
  bitsRead: boolean;
  /** Used as a page-table pointer (pmd_pgtable()): not a leaf, no bits. */
  table: boolean;
  /** Cleared by a get-and-clear read: the entry leaves its slot here. */
  cleared: boolean;
  /** Where its bits or kind are read, and as what kind of entry. */
  uses: Array<{ point: Point; kind: 'present' | 'swap' | 'marker'; bitTest: boolean }>;
}

/**
 * How the installed value came to lack the bit: a fresh construction that never got it, a whole
 * entry moved to another slot without being marked, one arm of a carry split on the old entry's
 * kind, or a same-file helper's install.
 */
export type LossShape = 'fresh' | 'moved' | 'splitArm' | 'helper';

export interface BitLoss {
  bit: CarriedBit;
  shape: LossShape;
  direction: Direction;
  /** The level of the installer (a hugetlb `huge` PTE, a PMD, ...). */
  level: Level;
  /** What is known where the value is built and installed (and what the path assumed). */
  guards: Guard[];
  /** The calls and constants that build the installed value (empty for a moved entry). */
  made: ReadonlySet<string>;
  /** The construction of the installed value (or the installer for moved values). */
  node: SyntaxNode;
  sink: Call;
  source: OldEntry;
  /** The setter the new value needed (`pte_swp_mkuffd_wp`). */
  setter: string;
  /** The install is done by a same-file helper called here (6.1 hugetlb_install_page()). */
  viaHelper?: boolean;
}

/**
 * A rule's policy for one bit: whether a whole entry moved to another slot must be given the bit
 * (soft-dirty: the tracker cannot see the move otherwise), and which losses are no finding of the
 * rule. The analysis finds every transition that lacks the bit; the rule decides.
 */
export interface CarryPolicy {
  bit: CarriedBit;
  marksMoves: boolean;
  exempt(loss: BitLoss, bt: BitTransfer): boolean;
}

/**
 * An entry read and cleared from its slot with nothing installed after it: the function drops it
 * (a zap). Entries moved or re-installed are checked at their installer instead.
 */
export interface Zap {
  /** The clearing read (ptep_get_and_clear(), huge_ptep_clear_flush(), ...). */
  clear: Call;
  source: OldEntry;
}

const SETTER_EFFECTS: Record<CarriedBit, ReadonlySet<string>> = {
  uffd: new Set(['setUffd', 'clearUffd']),
  softDirty: new Set(['setSoftDirty', 'clearSoftDirty', 'mkdirty']),
};
const SET_EFFECT: Record<CarriedBit, string> = { uffd: 'setUffd', softDirty: 'setSoftDirty' };
/** Effects that give a value the bit: x86 *_mkdirty() sets soft-dirty too. */
const MARKS: Record<CarriedBit, ReadonlySet<string>> = {
  uffd: new Set(['setUffd']),
  softDirty: new Set(['setSoftDirty', 'mkdirty']),
};
/** A writable entry never carries uffd-wp: pte_mkuffd_wp() write-protects (the A3 exclusion). */
const EXCLUDED_BY_WRITE: Record<CarriedBit, boolean> = { uffd: true, softDirty: false };
/** A uffd-wp marker (PTE_MARKER_UFFD_WP) holds uffd-wp and nothing else. */
const HELD_BY_MARKERS: Record<CarriedBit, boolean> = { uffd: true, softDirty: false };
const GUARD_CLASS: Record<CarriedBit, 'uffd' | 'softDirty'> = { uffd: 'uffd', softDirty: 'softDirty' };
/** What a helper installs into a slot it was passed (BitTransfer.freshInstallWithout). */
interface HelperInstall {
  slotParam: number;
  level: Level;
  kind: 'present' | 'swap';
  made: ReadonlySet<string>;
}
/** The flag-request origin of GuardClassifier (MM_CP_UFFD_WP): it tests no entry. */
const REQUEST_ORIGIN = 'request';

export class BitTransfer {
  readonly entries: OldEntry[];
  private readonly alias = new Map<string, string>();

  constructor(readonly facts: FunctionFacts) {
    this.entries = this.collectEntries();
  }

  /** Installs whose value lost the policy's bit of the entry it replaces (one per installer). */
  losses(policy: CarryPolicy): BitLoss[] {
    const out: BitLoss[] = [];
    const keep = (loss: BitLoss | undefined): loss is BitLoss => !!loss && !policy.exempt(loss, this);
    // One finding per construction: `if (hugetlb) set_huge_pte_at(.., pte); else set_pte_at(.., pte);`
    // installs one lost value twice.
    const reported = new Set<number>();
    for (const sink of this.facts.sinks) {
      if (!sink.value) continue;
      for (const path of this.facts.pathsOf(sink.value)) {
        if (!this.feasible(sink, path)) continue;
        const loss = this.pathLoss(policy, sink, path);
        if (keep(loss)) {
          if (!reported.has(loss.node.id)) out.push(loss);
          reported.add(loss.node.id);
          break;
        }
      }
    }
    for (const loss of this.splitArmLosses(policy.bit).filter(keep)) {
      if (!reported.has(loss.node.id)) out.push(loss);
      reported.add(loss.node.id);
    }
    out.push(...this.helperLosses(policy.bit).filter(keep));
    return out;
  }

  /**
   * A carry split on the old entry's kind (`if (pte_present(pteval)) { pte_uffd_wp → swp setter }
   * else { pte_swp_uffd_wp → swp setter }`: try_to_unmap_one(), migrate_vma_collect_pmd()) must be
   * in both arms. The pairing above accepts any carry on the construction; this finds the arm of
   * the split that lost its own.
   */
  private splitArmLosses(bit: CarriedBit): BitLoss[] {
    const out: BitLoss[] = [];
    const { model } = this.facts;
    const setters = model.calls.filter((c) => {
      if (this.facts.api(c)?.effect !== SET_EFFECT[bit]) return false;
      const test = this.bitTest(bit, c.point.guards);
      return test !== undefined && !this.testsBuiltValue(test);
    });
    for (const s of setters) {
      const input = s.args[0];
      if (!input) continue;
      const bases = new Set(this.facts.pathsOf(input).filter(isFresh).map((p) => p.base.node.id));
      if (bases.size === 0) continue;
      for (const g of s.point.guards) {
        if (!isKindSplit(g.expr)) continue;
        // The other arm exists (code runs under the opposite test) and carries nothing of its own.
        const opposite = (p: Point) => p.guards.some((h) => h.expr.id === g.expr.id && h.positive !== g.positive);
        if (!model.calls.some((c) => opposite(c.point)) && !model.assignments.some((a) => opposite(a.point))) continue;
        const carried = setters.some((t) => opposite(t.point) && t.args[0] &&
          this.facts.pathsOf(t.args[0]).some((p) => bases.has(p.base.node.id)));
        if (carried) continue;
        const path = this.facts.pathsOf(input).find((p) => isFresh(p) && bases.has(p.base.node.id))!;
        // Both arms must work on one construction installed after the split: built before it
        // (not inside the arm, as copy_huge_pmd()'s downgraded migration entry) and installed after.
        const inArm = (p: Point) => p.guards.some((h) => h.expr.id === g.expr.id);
        if (inArm(model.pointOf(path.base.node))) continue;
        const sink = this.facts.sinks.find((k) => k.value && !inArm(k.call.point) && this.facts.pathsOf(k.value).some((p) => p.base.node.id === path.base.node.id));
        const tested = this.bitTest(bit, s.point.guards)!;
        const arg = tested.type === 'call_expression' ? tested.childForFieldName('arguments')?.namedChildren[0] : undefined;
        const source = arg ? this.entries.find((e) => e.key === this.keyOf(arg)) : undefined;
        if (!sink || !source) continue;
        // The lost arm is the opposite one: present when the carry sits in the non-present arm.
        const missingPresent = !g.positive === isPresentTest(g.expr);
        const encoded = path.base.kind === 'encode';
        const direction: Direction = encoded ? (missingPresent ? 'encode' : 'rebuild') : (missingPresent ? 'copy' : 'decode');
        const guards = [...model.pointOf(path.base.node).guards, ...sink.call.point.guards];
        out.push({
          bit, shape: 'splitArm', direction, level: sinkLevel(sink), guards, made: this.namesBuilding(path.base.node),
          node: path.base.node, sink: sink.call, source, setter: s.name,
        });
      }
    }
    return out;
  }

  /**
   * Zaps: a PTE whose bits the function reads is cleared and nothing is installed after it (a new
   * entry, the entry itself, or a move's install at the destination, which is checked there).
   * PMD-level clears are left out: there is no entry to leave in their place.
   */
  zaps(): Zap[] {
    const out: Zap[] = [];
    const { model } = this.facts;
    // A primitive that returns the cleared entry (get_and_clear_full_ptes()) leaves it to its caller.
    if (/\b(pte|pmd|pud)_t\b/.test(model.node.childForFieldName('type')?.text ?? '')) return out;
    for (const c of model.calls) {
      if (!hasRole(c.name, 'clearing-read')) continue;
      const level = levelOfName(c.name);
      if (level !== 'pte' && level !== 'huge') continue;
      const key = this.keyOf(c.node);
      const source = this.entries.find((e) => e.key === key);
      if (!source || !source.bitsRead || source.table) continue;
      // An install after the clear replaces the entry here or moves it (UFFDIO_MOVE installs a new
      // entry at the destination): checked at that installer.
      if (this.facts.sinks.some((s) => this.after(c, s.call) ||
        (s.value && this.facts.pathsOf(s.value).some((p) => p.base.node.id === c.node.id)))) continue;
      out.push({ clear: c, source });
    }
    return out;
  }

  /** Does `later` come after the clearing read `clear` on an execution that ran both? */
  after(clear: Call, later: Call): boolean {
    return later.node.startIndex > clear.node.endIndex && this.facts.compatible([clear.point, later.point]);
  }

  /**
   * Installs done by a same-file helper for this function (6.1 hugetlb_install_page(): the fork copy
   * of a pinned hugetlb page): the helper builds a fresh value lacking the bit and installs it into
   * a slot it was passed, without reading any old entry itself, so the transition is this
   * function's.
   */
  private helperLosses(bit: CarriedBit): BitLoss[] {
    const out: BitLoss[] = [];
    // A helper that names no installer has no sink, so no install of its own.
    const installers = apisWithRole('sink');
    for (const call of this.facts.model.calls) {
      if (call.name === this.facts.name) continue;
      const helper = this.facts.file.helper(call.name, installers);
      if (!helper) continue;
      const install = helper.bitTransfer.freshInstallWithout(bit);
      if (!install) continue;
      const slotArg = call.args[install.slotParam];
      if (!slotArg) continue;
      const guards = [...call.point.guards];
      if (this.sourceLacks(bit, guards)) continue;
      const slot = this.canonical(placeName(slotArg));
      const source = this.sourceFor(bit, slot, install.level, guards);
      if (!source) continue;
      const direction = this.directionOf(install.kind === 'swap', source, slot, install.level, guards, call.point);
      out.push({
        bit, shape: 'helper', direction, level: install.level, guards, made: install.made,
        node: call.node, sink: call, source, setter: bitSetterName(bit, install.level, install.kind), viaHelper: true,
      });
    }
    return out;
  }

  /**
   * As a helper: an install of a fresh value lacking `bit` into a slot passed as a parameter, by a
   * function that reads no old entry (so it cannot know the bit itself).
   */
  freshInstallWithout(bit: CarriedBit): HelperInstall | undefined {
    // Asked once per call site of the helper and per rule.
    if (!this.freshInstalls.has(bit)) this.freshInstalls.set(bit, this.findFreshInstallWithout(bit));
    return this.freshInstalls.get(bit);
  }

  private readonly freshInstalls = new Map<CarriedBit, HelperInstall | undefined>();

  private findFreshInstallWithout(bit: CarriedBit): HelperInstall | undefined {
    if (this.entries.some((e) => e.bitsRead || e.cleared)) return undefined;
    // Handed the old entry by name (hugetlb_install_folio()'s `old`): the transition is its own.
    if (this.origins().some((o) => o.present)) return undefined;
    const params = [...this.facts.model.params.keys()];
    for (const sink of this.facts.sinks) {
      if (!sink.value || !sink.slot) continue;
      const slotParam = params.indexOf(placeName(sink.slot));
      if (slotParam < 0) continue;
      for (const path of this.facts.pathsOf(sink.value)) {
        if (kernelMapping(sink, path)) continue;
        if (!isFresh(path) || path.steps.some((s) => SETTER_EFFECTS[bit].has(s.api.effect))) continue;
        if (this.pairingPredicate(bit, path)) continue;
        const made = this.namesBuilding(path.base.node);
        if ([...made].some((n) => hasRole(n, 'bitless-entry-maker')) || identifiersIn(path.base.node).some((n) => hasRole(n, 'zero-page')) || made.has(UFFD_WP_MARKER)) continue;
        return { slotParam, level: sinkLevel(sink), kind: path.base.kind === 'encode' ? 'swap' : 'present', made };
      }
    }
    return undefined;
  }

  /**
   * Skipping both arms of `if (sd) pte = mk(pte); else pte = clear(pte);` is no execution: the
   * assumptions a path collects from the redefinitions it skipped must be satisfiable together.
   */
  feasible(sink: Sink, path: ValuePath): boolean {
    return path.assumptions.length === 0 || this.facts.compatible([sink.call.point], path.assumptions);
  }

  private pathLoss(policy: CarryPolicy, sink: Sink, path: ValuePath): BitLoss | undefined {
    const { bit } = policy;
    const level = sinkLevel(sink);
    if (kernelMapping(sink, path)) return undefined;
    const slot = sink.slot ? this.canonical(placeName(sink.slot)) : undefined;
    if (path.base.kind === 'read' || path.base.kind === 'readMerged') {
      // The old entry itself, with all its bits; only a move may owe one it never had.
      return policy.marksMoves ? this.unmarkedMove(bit, sink, slot, level, path) : undefined;
    }
    if (!isFresh(path)) return undefined;
    if (path.steps.some((s) => SETTER_EFFECTS[bit].has(s.api.effect))) return undefined;
    const made = this.namesBuilding(path.base.node);
    if ([...made].some((n) => hasRole(n, 'bitless-entry-maker'))) return undefined;
    if (hasRole(path.base.node.childForFieldName('function')?.text ?? '', 'pte-marker-maker')) return undefined;
    const guards = [...this.facts.model.pointOf(path.base.node).guards, ...sink.call.point.guards, ...path.assumptions];
    if (this.sourceLacks(bit, guards)) return undefined;
    if (this.pairingPredicate(bit, path)) return undefined;
    const source = this.sourceFor(bit, slot, level, guards);
    if (!source) return undefined;
    const direction = this.direction(path, source, slot, level, guards);
    const kind = path.base.kind === 'encode' ? 'swap' : 'present';
    return { bit, shape: 'fresh', direction, level, guards, made, node: path.base.node, sink: sink.call, source, setter: bitSetterName(bit, level, kind) };
  }

  /** An entry moved whole from a cleared slot to another slot of its level, without the bit set on the way. */
  private unmarkedMove(bit: CarriedBit, sink: Sink, slot: string | undefined, level: Level, path: ValuePath): BitLoss | undefined {
    const base = path.base;
    const fn = base.node.type === 'call_expression' ? base.node.childForFieldName('function')?.text ?? '' : '';
    if (!hasRole(fn, 'clearing-read') || !base.origin || !slot) return undefined;
    const from = this.canonical(base.origin);
    if (from === slot) return undefined;
    const source = this.entries.find((e) => e.key === from);
    if (source && (source.level !== level || source.table)) return undefined;
    if (levelOfName(fn) !== level) return undefined;
    const sinkGuards = new Set(sink.call.point.guards.map((g) => g.expr.id));
    const marked = path.steps.some(
      (s) => MARKS[bit].has(s.api.effect) && s.call.point.guards.every((g) => sinkGuards.has(g.expr.id)),
    );
    if (marked) return undefined;
    // Named by the slot it was moved from (`old_pte`), read where it was cleared.
    const entry: OldEntry = {
      key: from, name: from, node: base.node, level, present: true, swap: false, marker: false,
      bitsRead: false, table: false, cleared: true, uses: [],
    };
    return {
      bit, shape: 'moved', direction: 'move', level, guards: [...sink.call.point.guards, ...path.assumptions], made: new Set(),
      node: sink.call.node, sink: sink.call, source: entry, setter: bitSetterName(bit, level, 'present'),
    };
  }

  /**
   * The source predicate of `bit` that decides this value elsewhere in the function: a setter of
   * the bit, guarded by a test of the bit on an entry (not a request flag), applied to the same
   * construction. The paths that skip it are the ones where the source lacked the bit.
   */
  pairingPredicate(bit: CarriedBit, path: ValuePath): SyntaxNode | undefined {
    for (const call of this.facts.model.calls) {
      if (this.facts.api(call)?.effect !== SET_EFFECT[bit]) continue;
      const pred = this.bitTest(bit, call.point.guards);
      if (!pred) continue;
      const input = call.args[0];
      if (!input) continue;
      // `if (pte_uffd_wp(newpte)) newpte = pte_mkuffd_wp(newpte);` reads the entry being built,
      // which cannot hold the bit before the setter gives it: no carry from the old entry.
      if (this.testsBuiltValue(pred, path)) continue;
      if (this.facts.pathsOf(input).some((p) => p.base.node.id === path.base.node.id)) return pred;
    }
    return undefined;
  }

  /**
   * Does a bit test read a value built in this function rather than an old entry: the construction
   * `path` starts from, or (without a path) any fresh construction? Booleans are followed to the
   * test they hold (`uffd_wp = pte_uffd_wp(newpte)`).
   */
  private testsBuiltValue(test: SyntaxNode, path?: ValuePath): boolean {
    let call: SyntaxNode | undefined = test;
    if (test.type === 'identifier') {
      const defs = this.facts.flow.reachingDefinitions(test.text, test).filter((d) => d.operator === '=');
      call = defs.length === 1 ? unparenthesized(defs[0].value) : undefined;
      while (call && call.type === 'unary_expression' && call.childForFieldName('operator')?.text === '!') {
        call = unparenthesized(call.childForFieldName('argument')!);
      }
    }
    if (!call || call.type !== 'call_expression') return false;
    const arg = call.childForFieldName('arguments')?.namedChildren[0];
    if (!arg) return false;
    const paths = this.facts.pathsOf(arg);
    if (path) return paths.some((p) => p.base.node.id === path.base.node.id);
    return paths.length > 0 && paths.every(isFresh);
  }

  /** An atom of these guards testing `bit` of an entry (any polarity, through booleans). */
  private bitTest(bit: CarriedBit, guards: Guard[]): SyntaxNode | undefined {
    for (const g of guards) {
      for (const a of atomsOf(g)) {
        const m = this.facts.guards.meaningsOf(a);
        if (m.some((x) => x.cls === GUARD_CLASS[bit] && x.origin !== REQUEST_ORIGIN)) return a.node;
      }
    }
    return undefined;
  }

  /** On this path the source is known to lack the bit (or, for uffd-wp, to be writable: a writable entry never carries uffd-wp). */
  private sourceLacks(bit: CarriedBit, guards: Guard[]): boolean {
    for (const g of guards) {
      for (const a of atomsOf(g)) {
        if (!a.definite) continue;
        const m = this.facts.guards.meaningsOf(a);
        if (m.some((x) => x.cls === GUARD_CLASS[bit] && !x.positive && x.origin !== REQUEST_ORIGIN) && !this.testsBuiltValue(a.node)) return true;
        if (EXCLUDED_BY_WRITE[bit] && m.some((x) => x.cls === 'srcWrite' && x.positive) && this.excludesUffd(a.node)) return true;
        // The old entry was empty: nothing to carry.
        if (a.positive && a.node.type === 'call_expression' && hasRole(a.node.childForFieldName('function')?.text ?? '', ['empty-test', 'none-or-marker-test'])) return true;
      }
    }
    return false;
  }

  /** A write test after which uffd-wp cannot be set: not a device-private/exclusive write type. */
  private excludesUffd(atom: SyntaxNode): boolean {
    if (atom.type !== 'call_expression') return true;
    const name = atom.childForFieldName('function')?.text ?? '';
    return hasRole(name, 'uffd-excluding-write-test') || !hasRole(name, ['present-write-test', 'entry-type-write-test']);
  }

  zeroPageGuard(guards: Guard[]): boolean {
    return this.guardNames(guards, true).some((n) => hasRole(n, 'zero-page'));
  }

  /** The old entry maps the zero page: `if (!is_zero_pfn(pte_pfn(orig_pte))) goto abort;` (migrate_vma_insert_page). */
  zeroPageSource(source: OldEntry): boolean {
    return this.facts.model.calls.some(
      (c) => hasRole(c.name, 'zero-page') && this.exitsUnlessTrue(c.node) && c.args.some((a) => this.mentionsEntry(a, source, 0)),
    );
  }

  /** Is `test` a condition whose falsity leaves the function: `if (!is_zero_pfn(pfn)) goto abort;`? */
  private exitsUnlessTrue(test: SyntaxNode): boolean {
    for (let cur = test.parent; cur; cur = cur.parent) {
      if (cur.type !== 'if_statement') continue;
      const cond = cur.childForFieldName('condition');
      const cons = cur.childForFieldName('consequence');
      if (!cond || !cons || !isInside(test, cond)) return false;
      const atom = atomsOf({ expr: cond, positive: true }).find((a) => a.node.id === test.id);
      return !!atom && !atom.positive && alwaysExits(cons);
    }
    return false;
  }

  /** Does an expression use the entry, directly or through the variables it names? */
  private mentionsEntry(node: SyntaxNode, entry: OldEntry, depth: number): boolean {
    if (new RegExp(`(^|[^\\w>.])${entry.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(node.text)) return true;
    if (depth > 2) return false;
    const ids = node.type === 'identifier' ? [node] : node.descendantsOfType('identifier');
    return ids.some((id) => this.facts.flow.reachingDefinitions(id.text, id).some((d) => d.operator === '=' && this.mentionsEntry(d.value, entry, depth + 1)));
  }

  /** Names of calls in definite atoms of these guards with this polarity. */
  guardNames(guards: Guard[], positive: boolean, of?: OldEntry): string[] {
    const out: string[] = [];
    for (const g of guards) {
      for (const a of atomsOf(g)) {
        if (!a.definite || a.positive !== positive || a.node.type !== 'call_expression') continue;
        const arg = a.node.childForFieldName('arguments')?.namedChildren[0];
        if (of && (!arg || !this.refersTo(arg, of))) continue;
        out.push(a.node.childForFieldName('function')?.text ?? '');
      }
    }
    return out;
  }

  /**
   * The old entry this install replaces: the one read from the slot being written, else one whose
   * bits the function reads. Markers carry uffd-wp only; page-table pointers carry nothing.
   */
  private sourceFor(bit: CarriedBit, slot: string | undefined, level: Level, guards: Guard[]): OldEntry | undefined {
    const usable = this.entries.filter((e) => !e.table && (HELD_BY_MARKERS[bit] || e.present || e.swap) && !this.provenEmpty(e, guards));
    const sameSlot = usable.find((e) => e.key === slot && (e.bitsRead || e.cleared));
    if (sameSlot) return sameSlot;
    const read = usable.find((e) => e.bitsRead && (e.level === level || e.level === 'pmd' || e.level === 'huge' || level === 'huge'));
    if (read) return read;
    // Nothing of the old entry is read here: the slot's origin says what it held.
    return this.origins().find((o) => (HELD_BY_MARKERS[bit] || o.present) && (o.key === `origin:${slot}` || o.key.startsWith('origin:param:')));
  }

  private originList?: OldEntry[];

  /**
   * The old entries known from outside the body (slot-origin.ts): a parameter named as the old
   * entry, or a fault entry a same-file caller may hand over as a uffd-wp marker.
   */
  private origins(): OldEntry[] {
    if (!this.originList) {
      // A pte_t handed to a function that installs only hugetlb entries is a hugetlb entry.
      const huge = this.facts.sinks.length > 0 && this.facts.sinks.every((k) => sinkLevel(k) === 'huge');
      this.originList = this.facts.slotOrigins.map((o) => ({
        key: o.slot ? `origin:${o.slot}` : `origin:param:${o.name}`, name: o.name, node: o.node,
        level: huge && o.level === 'pte' ? 'huge' as const : o.level,
        present: o.kind === 'entry', swap: false, marker: o.kind === 'marker', bitsRead: true, table: false, cleared: false, uses: [],
      }));
    }
    return this.originList;
  }

  private provenEmpty(e: OldEntry, guards: Guard[]): boolean {
    for (const g of guards) {
      for (const a of atomsOf(g)) {
        if (!a.definite || !a.positive || a.node.type !== 'call_expression') continue;
        const name = a.node.childForFieldName('function')?.text ?? '';
        const arg = a.node.childForFieldName('arguments')?.namedChildren[0];
        if (hasRole(name, ['empty-test', 'none-or-marker-test']) && arg && this.keyOf(arg) === e.key) return true;
      }
    }
    return false;
  }

  private direction(path: ValuePath, source: OldEntry, slot: string | undefined, level: Level, guards: Guard[]): Direction {
    return this.directionOf(path.base.kind === 'encode', source, slot, level, guards, this.facts.model.pointOf(path.base.node));
  }

  private directionOf(newSwap: boolean, source: OldEntry, slot: string | undefined, level: Level, guards: Guard[], at?: Point): Direction {
    if (source.level === 'pmd' && level === 'pte') return 'split';
    if (source.cleared && slot && source.key !== slot && source.level === level) return 'move';
    // The kind the source is read as where this value is built (try_to_migrate_one's device-private
    // arm reads pteval with pte_swp_*(), its other arm with pte_*()).
    let near = at ? source.uses.filter((u) => u.kind !== 'marker' && this.facts.compatible([u.point, at])) : [];
    // Mixed (6.1 try_to_migrate_one reads a device-private swap PTE with pte_write()): the bit
    // tests say which kind the code treats it as.
    if (near.some((u) => u.kind === 'swap') && near.some((u) => u.kind === 'present') && near.some((u) => u.bitTest)) {
      near = near.filter((u) => u.bitTest);
    }
    let srcSwap = near.length ? near.every((u) => u.kind === 'swap') : source.swap && !source.present;
    // Kind tests of the source itself on this path (not of the new page: folio_is_device_private()).
    for (const n of this.guardNames(guards, true, source)) {
      const kind = sourceKindOfTest(n, true);
      if (kind) srcSwap = kind === 'swap';
    }
    for (const n of this.guardNames(guards, false, source)) if (sourceKindOfTest(n, false) === 'swap') srcSwap = true;
    if (source.marker && !source.present && !source.swap) srcSwap = true;
    if (srcSwap) return newSwap ? 'rebuild' : 'decode';
    if (newSwap) return 'encode';
    if (this.mentionsUnshare()) return 'unshare';
    return source.cleared && source.key === slot ? 'replace' : 'copy';
  }

  private mentionsUnshare(): boolean {
    return /\bunshare\b|FAULT_FLAG_UNSHARE/.test(this.facts.model.body.text);
  }

  /** Names of the calls and constants that build a value: through the variables its arguments name. */
  private namesBuilding(node: SyntaxNode): ReadonlySet<string> {
    // Asked for each path of each install, by each carried bit's rule.
    let names = this.built.get(node.id);
    if (!names) this.built.set(node.id, (names = this.collectNamesBuilding(node, 0, new Set())));
    return names;
  }

  private readonly built = new Map<number, ReadonlySet<string>>();

  private collectNamesBuilding(node: SyntaxNode, depth: number, out: Set<string>): Set<string> {
    if (depth > 3) return out;
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'call_expression') out.add(n.childForFieldName('function')?.text ?? '');
      else if (n.type === 'identifier') {
        if (/^[A-Z][A-Z0-9_]*$/.test(n.text)) out.add(n.text);
        else if (n.parent?.type !== 'call_expression' || n.parent.childForFieldName('function')?.id !== n.id) {
          for (const d of this.facts.flow.reachingDefinitions(n.text, n)) {
            if (d.operator === '=' && !isInside(node, d.value)) this.collectNamesBuilding(d.value, depth + 1, out);
          }
        }
      }
      for (const c of n.namedChildren) stack.push(c);
    }
    return out;
  }

  /**
   * Does an expression stand for this old entry (or its decoded swp entry) on some path? The
   * decoded `entry` of change_pte_range() is reassigned in an earlier arm of the same chain.
   */
  private refersTo(expr: SyntaxNode, entry: OldEntry): boolean {
    if (this.keyOf(expr) === entry.key) return true;
    return this.facts.pathsOf(expr).some((p) => p.base.origin !== undefined && this.canonical(p.base.origin) === entry.key);
  }

  /** The key of an entry expression: its table slot when known (pte_same() aliases merged). */
  keyOf(expr: SyntaxNode): string {
    const origin = this.facts.flow.originOf(expr);
    return this.canonical(origin ?? `expr:${expr.text.replace(/\s+/g, '')}`);
  }

  private canonical(key: string): string {
    let k = key;
    for (let i = 0; i < 8 && this.alias.has(k); i++) k = this.alias.get(k)!;
    return k;
  }

  private collectEntries(): OldEntry[] {
    const { model, flow } = this.facts;
    // pte_same(a, b) names one entry twice (replace_page: orig_pte and the slot re-read).
    const namedBy = new Map<string, SyntaxNode>();
    for (const c of model.calls) {
      if (!hasRole(c.name, 'same-test') || c.args.length < 2) continue;
      const a = this.keyOf(c.args[0]);
      const b = this.keyOf(c.args[1]);
      if (a === b) continue;
      // Key the entry by its slot: a parameter or expression aliases to the slot it equals, and
      // lends it its name (replace_page()'s orig_pte).
      const loose = (k: string) => k.startsWith('param:') || k.startsWith('expr:');
      if (loose(a) && !loose(b)) this.alias.set(a, b);
      else this.alias.set(b, a);
      for (const arg of c.args.slice(0, 2)) if (arg.type === 'identifier' && model.params.has(arg.text)) namedBy.set(this.keyOf(arg), arg);
    }
    const byKey = new Map<string, OldEntry>();
    const entry = (key: string, node: SyntaxNode, level: Level): OldEntry => {
      let e = byKey.get(key);
      if (!e) {
        e = { key, name: node.text.replace(/\s+/g, ' '), node, level, present: false, swap: false, marker: false, bitsRead: false, table: false, cleared: false, uses: [] };
        byKey.set(key, e);
      }
      return e;
    };
    for (const c of model.calls) {
      const reader = roleData(c.name, 'bitSource');
      if (reader) {
        const arg = c.args[reader.arg];
        if (!arg) continue;
        const key = this.keyOf(arg);
        // A value this function built (BUG_ON(unshare && pte_write(entry))) is not an old entry.
        if (key.startsWith('expr:') && flow.pathsOf(arg).some(isFresh)) continue;
        const e = entry(key, arg, reader.level);
        this.name(e, arg);
        e.bitsRead = e.bitsRead || !readsKindOnly(c.name);
        e.uses.push({ point: c.point, kind: reader.kind, bitTest: hasRole(c.name, 'uffd-wp-test') || hasRole(c.name, 'soft-dirty-test') });
        if (reader.kind === 'present') e.present = true;
        else if (reader.kind === 'swap') e.swap = true;
        else e.marker = true;
        if (reader.level === 'pmd' || (reader.level === 'huge' && e.level === 'pte')) e.level = reader.level;
        continue;
      }
      if (hasRole(c.name, 'fault-entry-uffd-wp-test') && c.args[0]) {
        const e = entry(this.canonical(`${c.args[0].text.replace(/\s+/g, '')}->pte`), c.args[0], 'pte');
        e.marker = true;
        e.bitsRead = true;
        continue;
      }
      if (hasRole(c.name, 'table-entry-use') && c.args[0]) {
        entry(this.keyOf(c.args[0]), c.args[0], 'pmd').table = true;
        continue;
      }
      if (hasRole(c.name, 'clearing-read')) {
        const api = apiOf(c.name);
        const slot = c.args[api?.slotArg === -1 ? c.args.length - 1 : api?.slotArg ?? 2];
        if (!slot) continue;
        const e = entry(this.keyOf(c.node), c.node, levelOfName(c.name));
        e.cleared = true;
        if (levelOfName(c.name) !== 'pte') e.level = levelOfName(c.name);
      }
    }
    // A swap entry decoded from a huge_ptep_get() read is a hugetlb entry.
    for (const c of model.calls) {
      if (!hasRole(c.name, 'hugetlb-slot-read')) continue;
      const e = byKey.get(this.keyOf(c.node));
      if (e) e.level = 'huge';
    }
    for (const [key, node] of namedBy) {
      const e = byKey.get(key);
      if (e && e.node.type !== 'identifier' && e.node.type !== 'field_expression') {
        e.name = node.text;
        e.node = node;
      }
    }
    return [...byKey.values()].sort((x, y) => x.node.startIndex - y.node.startIndex);
  }

  /** Prefer a variable's name (`pteval`, `vmf->orig_pte`) over a nested read expression. */
  private name(e: OldEntry, arg: SyntaxNode): void {
    const isVar = arg.type === 'identifier' || arg.type === 'field_expression';
    const current = e.node.type === 'identifier' || e.node.type === 'field_expression';
    if (isVar && !current) {
      e.name = arg.text.replace(/\s+/g, '');
      e.node = arg;
    }
  }

  /** The line where an old entry was read: its variable's first definition, else where it is used. */
  lineNode(e: OldEntry): SyntaxNode {
    if (e.node.type === 'identifier') {
      const defs = this.facts.flow.definitionsOf(e.node.text).filter((d) => d.operator === '=');
      if (defs.length) return defs[0].node;
      // A parameter (replace_page()'s orig_pte, hugetlb_install_folio()'s old): where it is declared.
      if (this.facts.model.params.has(e.node.text)) {
        const decl = this.facts.model.node.descendantsOfType('parameter_declaration')
          .find((p) => p.descendantsOfType('identifier').some((id) => id.text === e.node.text && id.parent?.type !== 'type_identifier'));
        if (decl) return decl;
      }
    }
    return e.node;
  }
}

/**
 * Kernel page tables (init_mm) hold no user tracking bits, nor do entries built with a kernel
 * protection (PAGE_KERNEL*). The raw installers without an mm (set_pte(), set_pmd(): x86
 * __split_large_page(), xen_alloc_p2m_entry()) are not sinks at all (the kernel-api table's sink role).
 */
function kernelMapping(sink: Sink, path: ValuePath): boolean {
  if (/^&?init_mm$/.test(sink.call.args[0]?.text ?? '')) return true;
  return KERNEL_PROTECTION.test(path.base.node.text);
}

/** The path starts at a value built here (mk_pte(), swp_entry_to_pte()), not at an old entry. */
export function isFresh(path: ValuePath): boolean {
  return path.base.kind === 'construct' || path.base.kind === 'encode';
}

export function sinkLevel(sink: Sink): Level {
  return levelOfName(sink.call.name);
}

/**
 * The fix for one loss, spelled for the entries involved: the source test of the old entry's kind
 * and level, and the setter of the new entry's (`if (pte_swp_uffd_wp(old_pte)) pte =
 * pte_mkuffd_wp(pte);`).
 */
export function carryHelp(loss: BitLoss): string {
  const { bit, source } = loss;
  const test = bitTestName(bit, source.level, source.marker && !source.present && !source.swap ? 'marker' : source.swap && !source.present ? 'swap' : 'present');
  return `carry the bit from ${source.name}: \`if (${test}(${source.name})) new = ${loss.setter}(new);\` on the value ${loss.sink.name}() installs`;
}

/** Tests that split an entry by kind: `pte_present(x)`, `is_swap_pte(x)` (through likely() and !). */

function splitTest(expr: SyntaxNode): { name: string; negated: boolean } | undefined {
  let shape = conditionShape(expr);
  let negated = false;
  while (shape.kind === 'not') {
    shape = conditionShape(shape.arg);
    negated = !negated;
  }
  const n = shape.node;
  const name = shape.kind === 'atom' && n.type === 'call_expression' ? n.childForFieldName('function')?.text : undefined;
  return name && hasRole(name, 'kind-split-test') ? { name, negated } : undefined;
}

function isKindSplit(expr: SyntaxNode): boolean {
  return splitTest(expr) !== undefined;
}

/** Does the test, as written (with its `!`s), hold for present entries? */
function isPresentTest(expr: SyntaxNode): boolean {
  const test = splitTest(expr);
  const present = test !== undefined && hasRole(test.name, 'present-test');
  return present !== (test?.negated ?? false);
}
