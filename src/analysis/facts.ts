// What rules may ask about one function (the analysis API, docs/architecture.md): its write grants
// and what justifies them, its installers, the paths of any value, whether two points can be on
// one execution. Rules query this; they do not walk syntax trees for what is known here.

import type { SyntaxNode } from '../lang/parser.js';
import type { KernelVersion } from '../kernel-version.js';
import {
  apiOf,
  apisWithRole,
  batchFlagNamed,
  hasRole,
  roleData,
  type ApiEntry,
} from './kernel-api.js';
import { buildFunctionModel, type Assignment, type Call, type FunctionModel, type Guard, type Point } from './function-model.js';
import { armsExclusive, ValueFlow, type ValuePath } from './value-flow.js';
import { atomsOf, consistent, GuardClassifier, isFalseLiteral, type Meaning } from './guards.js';
import { EntryKinds } from './entry-kind.js';
import { BitTransfer } from './bit-transfer.js';
import { ExclusivityAnalysis } from './exclusivity.js';
import { ForkCopy } from './fork-copy.js';
import { slotOriginsOf, type SlotOrigin } from './slot-origin.js';
import { uffdWpTransfersOf, type UffdTransfer } from './uffd-wp-transfers.js';
import { softDirtyFlagDecisions, type SoftDirtyFlagTest } from './vm-softdirty-tests.js';
import { returnTruePaths, type ReturnPath } from './predicate-paths.js';
import { compactText, containsCall } from './syntax.js';

/** The folio_pte_batch*() flags that make a batch respect or ignore a bit, as words in its flags text. */
const RESPECT_WRITE = new RegExp(`\\b${batchFlagNamed('write', 'respect')}\\b`);
const RESPECT_SOFT_DIRTY = new RegExp(`\\b${batchFlagNamed('softDirty', 'respect')}\\b`);
const IGNORE_SOFT_DIRTY = new RegExp(`\\b${batchFlagNamed('softDirty', 'ignore')}\\b`);

export type GrantKind = 'grant' | 'grantVma' | 'grantEntry' | 'hugeConstructor' | 'pfnFlag';

export interface Grant {
  kind: GrantKind;
  /** The reported node: the call, or the MIGRATE_PFN_WRITE identifier. */
  node: SyntaxNode;
  name: string;
  point: Point;
  /** Extra guard carried by the grant itself (make_huge_pte's `writable` argument). */
  ownGuard?: Guard;
  /** The variable the granted value is assigned to, if any. */
  target?: string;
}

export type Justification =
  | 'source-write'
  | 'upgrade-predicate'
  | 'write-fault'
  | 'fresh-page'
  | 'caller-request'
  | 'exclusive-anon'
  | 'shared-mapping'
  | 'wrprotected-unless-writable'
  | 'checked-at-callers'
  | 'defined-outside-fragment';

export interface Sink {
  call: Call;
  value?: SyntaxNode;
  slot?: SyntaxNode;
  count?: SyntaxNode;
}

/** Per-file facts: summaries of the file's own (static) helpers, by name. */
export interface FileFacts {
  /**
   * A same-file function's facts. With `mentioning` (names of APIs, say the installers), also
   * undefined when its text holds none of them: a function calling none of them has no facts the
   * asker wants, and is not parsed for it (soft-dirty-propagate asked of every same-file callee
   * parsed 282 of 6.12 mm/'s 748 functions).
   */
  helper(name: string, mentioning?: ReadonlySet<string>): FunctionFacts | undefined;
  /** The file's functions that call `name` (same-file callers), parsed on demand. */
  callersOf?(name: string): FunctionFacts[];
}

export interface BatchPolicy {
  /** All batch builders reached respect the write bit (FPB_RESPECT_WRITE). */
  respectsWrite: boolean;
  respectsSoftDirty: boolean;
  /** Where the policy was decided (the builder call), for messages. */
  where?: SyntaxNode;
}

export class FunctionFacts {
  readonly flow: ValueFlow;
  readonly guards: GuardClassifier;
  readonly grants: Grant[];
  readonly sinks: Sink[];
  /** Installs (set_pte_at() and the other installers) or encodes an entry. */
  readonly installsEntry: boolean;
  private readonly calledNames: Set<string>;

  constructor(
    readonly model: FunctionModel,
    readonly version: KernelVersion,
    readonly file: FileFacts,
    /** Only part of the function is visible (rebuilt from patch hunks). */
    readonly partial = false,
  ) {
    this.flow = new ValueFlow(model);
    this.guards = new GuardClassifier(this.flow);
    this.calledNames = new Set(model.calls.map((c) => c.name));
    this.grants = collectGrants(model);
    this.sinks = model.calls.filter((c) => hasRole(c.name, 'sink')).map((call) => {
      const s = roleData(call.name, 'sink')!;
      return { call, value: call.args[s.valueArg], slot: call.args[s.slotArg], count: s.countArg === undefined ? undefined : call.args[s.countArg] };
    });
    // A fragment rebuilt from hunks rarely shows its installer: assume the part not shown has one.
    this.installsEntry = partial || this.sinks.length > 0 || model.calls.some((c) => apiOf(c.name)?.effect === 'encode');
  }

  // The analyses of this function, each computed on first use and kept: rules read them here
  // (`facts.bitTransfer`, `facts.exclusivity`, ...) rather than building their own.
  private entryKindsCache?: EntryKinds;
  private bitTransferCache?: BitTransfer;
  private exclusivityCache?: ExclusivityAnalysis;
  private forkCopyCache?: ForkCopy;
  private localForkCopyCache?: ForkCopy;
  private slotOriginsCache?: SlotOrigin[];
  private uffdWpTransfersCache?: UffdTransfer[];
  private vmSoftDirtyTestsCache?: SoftDirtyFlagTest[];
  private returnTruePathsCache?: ReturnPath[];
  private wrprotectAssignmentsCache?: Assignment[];

  /** Present / non-present kind of entry values at each use (src/analysis/entry-kind.ts). */
  get entryKinds(): EntryKinds {
    return (this.entryKindsCache ??= new EntryKinds(this.flow, this.partial, this.version));
  }

  /** Which tracking bits (uffd-wp, soft-dirty) each transition of an entry keeps or lacks. */
  get bitTransfer(): BitTransfer {
    return (this.bitTransferCache ??= new BitTransfer(this));
  }

  /** PG_anon_exclusive: encoders, try-share calls, exclusivity sinks and their provenance. */
  get exclusivity(): ExclusivityAnalysis {
    return (this.exclusivityCache ??= new ExclusivityAnalysis(this));
  }

  /** The fork-copy view: parent- and child-side slot operations, same-file copy helpers included. */
  get forkCopy(): ForkCopy {
    return (this.forkCopyCache ??= new ForkCopy(this, true));
  }

  /** The fork-copy view of this function's own slot operations (no helper summaries). */
  get localForkCopy(): ForkCopy {
    return (this.localForkCopyCache ??= new ForkCopy(this, false));
  }

  /** Copies and moves of a possibly-uffd-wp value into another slot, with the kinds left uncleared. */
  get uffdWpTransfers(): UffdTransfer[] {
    return (this.uffdWpTransfersCache ??= uffdWpTransfersOf(this));
  }

  /** Raw `vm_flags & VM_SOFTDIRTY` tests that decide write permission, and what each decides. */
  get vmSoftDirtyTests(): SoftDirtyFlagTest[] {
    return (this.vmSoftDirtyTestsCache ??= softDirtyFlagDecisions(this));
  }

  /** The ways the function can return true, with what is known on each (for predicates). */
  get returnTruePaths(): readonly ReturnPath[] {
    return (this.returnTruePathsCache ??= returnTruePaths(this.model.body));
  }

  /** Old entries known from outside the body: an old-entry parameter, a fault's orig_pte. */
  get slotOrigins(): SlotOrigin[] {
    return (this.slotOriginsCache ??= slotOriginsOf(this));
  }

  get name(): string {
    return this.model.name;
  }

  /** The API table entry of a call. */
  api(call: Call): ApiEntry | undefined {
    return apiOf(call.name);
  }

  pathsOf(expr: SyntaxNode): ValuePath[] {
    return this.flow.pathsOf(expr);
  }

  /** Meanings of the definite atoms of these guards. */
  meanings(guards: Guard[]): Meaning[] {
    return this.guards.meaningsOfGuards(guards);
  }

  /** Can these points (and extra assumptions) all be on one execution? */
  compatible(points: Point[], assumptions: Guard[] = []): boolean {
    for (let i = 0; i < points.length; i++) {
      for (let j = i + 1; j < points.length; j++) if (armsExclusive(points[i], points[j])) return false;
    }
    return consistent(this.guards, [...points.flatMap((p) => p.guards), ...assumptions]);
  }

  /**
   * Is a boolean guard of `later` certainly false whenever `earlier` ran? 6.1
   * mfill_atomic_install_pte: `if (wp_copy) { pte = pte_mkuffd_wp(pte); writable = false; }` and then
   * `if (writable) pte = pte_mkwrite(pte);` cannot grant on the uffd-wp path.
   */
  forcedFalseBetween(earlier: Point, later: Point): boolean {
    for (const g of later.guards) {
      const atom = g.expr.type === 'parenthesized_expression' && g.expr.namedChildCount === 1 ? g.expr.namedChild(0)! : g.expr;
      if (g.positive && atom.type === 'identifier' && this.falseWhenever(atom, earlier)) return true;
    }
    return false;
  }

  /**
   * Is the variable read at `use` false on every execution that went through `through`? Its
   * definitions that `through`'s path overwrites are dropped (the `false` in the same block as the
   * uffd-wp setter, before or after it, or under a condition the setter's guards imply:
   * `if (wp_copy || ..) writable = 0;` then `if (wp_copy) huge_pte_mkuffd_wp(..)`, 6.1
   * hugetlb_mcopy_atomic_pte); of the rest, those that can run with `through` must all be false.
   */
  falseWhenever(use: SyntaxNode, through: Point): boolean {
    const defs = this.flow.reachingDefinitions(use.text, use).filter((d) => d.operator === '=');
    const overwritten = (d: Assignment): boolean =>
      defs.some((k) => k !== d && k.order > d.order && (runsWith(through, k.point) || this.guardsImply(through, k.point)));
    const live = defs.filter((d) => !overwritten(d) && this.compatible([d.point, through]));
    return live.length > 0 && live.every((d) => isFalseLiteral(d.value));
  }

  /** Do `p`'s guards make every guard of `q` (beyond what they share) hold? */
  private guardsImply(p: Point, q: Point): boolean {
    const shared = new Set(p.guards.map((g) => g.expr.id));
    const own = q.guards.filter((g) => !shared.has(g.expr.id));
    if (own.length === 0 || q.path.length === 0) return false;
    const known = new Map<string, boolean>();
    for (const g of p.guards) for (const a of atomsOf(g)) if (a.definite) known.set(compactText(a.node), a.positive);
    return own.every((g) => {
      const atoms = atomsOf(g);
      const holds = (a: { node: SyntaxNode; positive: boolean }) => known.get(compactText(a.node)) === a.positive;
      // A conjunction needs all its atoms known; a disjunction one of them.
      return atoms.every((a) => a.definite) ? atoms.every(holds) : atoms.some(holds);
    });
  }

  /** Why a grant is allowed (docs/invariants.md#pte-write-grant-unjustified), empty when nothing justifies it. */
  justify(grant: Grant): Justification[] {
    const out: Justification[] = [];
    if (hasRole(this.name, 'grant-checked-at-callers')) out.push('checked-at-callers');
    const guards = grant.ownGuard ? [...grant.point.guards, grant.ownGuard] : grant.point.guards;
    const m = this.meanings(guards);
    const has = (cls: Meaning['cls'], positive = true): boolean => m.some((x) => x.cls === cls && x.positive === positive);
    if (has('srcWrite')) out.push('source-write');
    if (has('upgrade')) out.push('upgrade-predicate');
    // do_swap_page's inline conjunction: exclusive, and neither uffd-wp nor soft-dirty tracking
    // wants the fault (R1 G2); without the exclusivity part a COW-shared page becomes writable.
    else if (has('uffdBlocker', false) && has('softDirtyBlocker', false) && guards.some((g) => g.positive && this.guards.provesExclusive(g.expr))) {
      out.push('upgrade-predicate');
    }
    const faultContext = this.hasFaultParameter();
    if (hasRole(this.name, 'write-fault-handler') || (faultContext && (has('faultWrite') || has('unshare', false)))) out.push('write-fault');
    if (this.mapsFreshPage() && (has('vmWrite') || grant.kind === 'grantVma' || has('faultWrite'))) out.push('fresh-page');
    if (has('writeParam')) out.push('caller-request');
    // G6 is the UFFDIO_MOVE shape only: an early exit on !PageAnonExclusive() before the grant.
    // Exclusivity alone is not write permission.
    const exits = guards.filter((g) => g.earlyExit);
    if (this.meanings(exits).some((x) => x.cls === 'anonExclusive' && x.positive)) out.push('exclusive-anon');
    if (has('vmShared') && has('vmWrite')) out.push('shared-mapping');
    if (grant.target && this.wrprotectedUnlessWritable(grant)) out.push('wrprotected-unless-writable');
    // In a fragment rebuilt from hunks, a boolean guard whose assignment is not shown (6.12
    // __split_huge_pmd_locked's `if (write)` in the 2023 maybe_mkwrite cleanup) may well be a source-write boolean.
    if (this.partial && guards.some((g) => atomsOf(g).some((a) => a.definite && this.invisibleBoolean(a.node)))) {
      out.push('defined-outside-fragment');
    }
    return out;
  }

  private invisibleBoolean(node: SyntaxNode): boolean {
    if (node.type !== 'identifier' || /^[A-Z0-9_]+$/.test(node.text)) return false;
    // A gap above the test may assign it (src/analysis/gap.ts).
    if (this.flow.gapsBefore(node).length > 0) return true;
    return this.flow.definitionsOf(node.text).length === 0 && !this.model.params.has(node.text);
  }

  /** The function takes a struct vm_fault * (a fault handler, G3's context). */
  hasFaultParameter(): boolean {
    for (const t of this.model.params.values()) if (/struct\s+vm_fault\b/.test(t)) return true;
    return false;
  }

  /** Maps a page it allocated itself, or a new anon page (G4). */
  mapsFreshPage(): boolean {
    for (const n of apisWithRole('fresh-page-mapper')) if (this.calledNames.has(n)) return true;
    return false;
  }

  /**
   * 6.1 __split_huge_pmd_locked grants first and write-protects when `!write` afterwards (R1: the
   * guard may follow the grant): a later `x = *_wrprotect(x)` under "source not writable".
   */
  private wrprotectedUnlessWritable(grant: Grant): boolean {
    return this.wrprotectAssignments().some((a) => {
      if (a.target !== grant.target || a.order <= grant.node.endIndex) return false;
      return this.meanings(a.point.guards).some((x) => x.cls === 'srcWrite' && !x.positive);
    });
  }

  /** Assignments whose value write-protects: found once, not once per grant (linear in size). */
  private wrprotectAssignments(): Assignment[] {
    return (this.wrprotectAssignmentsCache ??= this.model.assignments.filter((a) =>
      containsCall(a.value, (name) => apiOf(name)?.effect === 'wrprotect'),
    ));
  }

  /**
   * The write/soft-dirty policy of the batch whose size `count` is: follows `nr` to the batch
   * builder, directly (folio_pte_batch*) or through a helper of the same file (the upstream lazyfree
   * fix set FPB_RESPECT_WRITE inside folio_unmap_pte_batch()).
   */
  batchPolicy(count: SyntaxNode, seen = new Set<string>()): BatchPolicy | undefined {
    const builders = this.batchBuildersFor(count);
    // A count from anything but a batch builder (a parameter, folio_nr_pages()) says nothing about
    // what the batch respected.
    return this.combinedPolicy(builders, seen);
  }

  /** The policy of this function's own batch builder calls (used as a helper summary). */
  ownBatchPolicy(seen: Set<string>): BatchPolicy | undefined {
    const builders = this.model.calls.filter((c) => hasRole(c.name, 'batchBuilder') || (this.file.helper(c.name) && !seen.has(c.name)));
    return this.combinedPolicy(builders, seen);
  }

  /** A batch respects a bit only if every builder that may have sized it does. */
  private combinedPolicy(builders: Call[], seen: Set<string>): BatchPolicy | undefined {
    let combined: BatchPolicy | undefined;
    for (const b of builders) {
      const p = this.builderPolicy(b, seen);
      if (!p) continue;
      combined = combined
        ? { respectsWrite: combined.respectsWrite && p.respectsWrite, respectsSoftDirty: combined.respectsSoftDirty && p.respectsSoftDirty, where: combined.where ?? p.where }
        : p;
    }
    return combined;
  }

  private batchBuildersFor(count: SyntaxNode): Call[] {
    const out: Call[] = [];
    const visit = (expr: SyntaxNode, depth: number): void => {
      if (depth > 6) return;
      const e = expr.type === 'parenthesized_expression' && expr.namedChildCount === 1 ? expr.namedChild(0)! : expr;
      if (e.type === 'call_expression') {
        const call = this.flow.callAt(e);
        if (call) out.push(call);
        return;
      }
      if (e.type === 'identifier') {
        for (const d of this.flow.reachingDefinitions(e.text, e)) visit(d.value, depth + 1);
      }
    };
    visit(count, 0);
    return out;
  }

  private builderPolicy(call: Call, seen: Set<string>): BatchPolicy | undefined {
    const builder = roleData(call.name, 'batchBuilder');
    if (builder) {
      const flags = call.args[builder.flagsArg];
      const text = flags ? this.flagsText(flags) : '';
      return {
        respectsWrite: builder.respectByDefault || RESPECT_WRITE.test(text),
        respectsSoftDirty:
          RESPECT_SOFT_DIRTY.test(text) ||
          // 6.9-6.15 spelling: soft-dirty is respected unless FPB_IGNORE_SOFT_DIRTY is passed.
          (hasRole(call.name, 'respects-soft-dirty-unless-ignored') && call.args.length > 4 && !IGNORE_SOFT_DIRTY.test(text)),
        where: call.node,
      };
    }
    const helper = this.file.helper(call.name);
    if (!helper || seen.has(call.name)) return undefined;
    seen.add(call.name);
    return helper.ownBatchPolicy(seen);
  }

  /** Does a flags argument (or the local flags variable it names) mention this flag? */
  flagsMention(flags: SyntaxNode, flag: string): boolean {
    return new RegExp(`\\b${flag}\\b`).test(this.flagsText(flags));
  }

  /** The text of a flags argument, following a local flags variable to all its assignments. */
  private flagsText(flags: SyntaxNode): string {
    if (flags.type !== 'identifier') return flags.text;
    return [flags.text, ...this.flow.definitionsOf(flags.text).map((d) => d.value.text)].join(' ');
  }
}

export function buildFunctionFacts(fn: SyntaxNode, version: KernelVersion, file: FileFacts, partial = false): FunctionFacts | undefined {
  const model = buildFunctionModel(fn, { bareBlocksRun: !partial });
  return model ? new FunctionFacts(model, version, file, partial) : undefined;
}

function collectGrants(model: FunctionModel): Grant[] {
  const grants: Grant[] = [];
  const byValue = assignmentsByValue(model);
  for (const c of model.calls) {
    const api = apiOf(c.name);
    if (api && (api.effect === 'grant' || api.effect === 'grantVma' || api.effect === 'grantEntry')) {
      grants.push({ kind: api.effect, node: c.node, name: c.name, point: c.point, target: assignedTarget(model, c.node, byValue) });
    } else if (hasRole(c.name, 'writeArgMaker') && c.args.length > roleData(c.name, 'writeArgMaker')!.writeArg) {
      // 5.x make_migration_entry(page, write): a writable entry type unless `write` is provably 0.
      const w = c.args[roleData(c.name, 'writeArgMaker')!.writeArg];
      if (isFalseLiteral(w)) continue;
      grants.push({
        kind: 'grantEntry', node: c.node, name: c.name, point: c.point,
        ownGuard: w.type === 'number_literal' || w.type === 'true' ? undefined : { expr: w, positive: true },
        target: assignedTarget(model, c.node, byValue),
      });
    } else if (hasRole(c.name, 'writable-arg-constructor') && c.args.length >= 3) {
      // make_huge_pte(vma, page, writable): a grant unless `writable` is provably 0.
      const w = c.args[2];
      if (isFalseLiteral(w)) continue;
      grants.push({
        kind: 'hugeConstructor', node: c.node, name: c.name, point: c.point,
        ownGuard: w.type === 'number_literal' || w.type === 'true' ? undefined : { expr: w, positive: true },
        target: assignedTarget(model, c.node, byValue),
      });
    }
  }
  for (const a of model.assignments) {
    for (const flag of apisWithRole('pfn-write-flag')) {
      for (const id of identifierNodes(a.value, flag)) {
        if (insideTest(id, a.value)) continue;
        grants.push({ kind: 'pfnFlag', node: id, name: flag, point: model.pointOf(id), target: a.target });
      }
    }
  }
  return grants.sort((x, y) => x.node.startIndex - y.node.startIndex);
}

/** The variable a call's value is assigned to: `pte = pte_mkwrite(pte_mkdirty(pte), vma)` -> pte. */
function assignedTarget(model: FunctionModel, node: SyntaxNode, byValue = assignmentsByValue(model)): string | undefined {
  // The innermost assigned value holding the call: found through the call's ancestors rather than
  // by testing every assignment of the function for every grant.
  for (let cur: SyntaxNode | null = node; cur && cur.id !== model.body.id; cur = cur.parent) {
    const a = byValue.get(cur.id);
    if (a) return a.target;
  }
  return undefined;
}

/** Assignments by the id of their value node (the last one recorded wins, as a scan would pick). */
function assignmentsByValue(model: FunctionModel): Map<number, Assignment> {
  return new Map(model.assignments.map((a) => [a.value.id, a] as const));
}

function identifierNodes(root: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && n.text === name) out.push(n);
    for (const c of n.namedChildren) stack.push(c);
  }
  return out;
}

/** Is the identifier tested (`mpfn & MIGRATE_PFN_WRITE`, a ternary's condition) rather than set? */
function insideTest(id: SyntaxNode, root: SyntaxNode): boolean {
  let child = id;
  let cur = id.parent;
  while (cur && cur.id !== root.parent?.id) {
    if (cur.type === 'binary_expression' && cur.childForFieldName('operator')?.text === '&') return true;
    if (cur.type === 'conditional_expression' && cur.childForFieldName('condition')?.id === child.id) return true;
    if (cur.id === root.id) break;
    child = cur;
    cur = cur.parent;
  }
  return false;
}

/** Does `other` run whenever `first` ran: a statement of the same block, not nested deeper? */
function runsWith(first: Point, other: Point): boolean {
  if (other.path.length !== first.path.length || first.path.length === 0) return false;
  const last = first.path.length - 1;
  for (let i = 0; i < last; i++) if (first.path[i][0] !== other.path[i][0] || first.path[i][1] !== other.path[i][1]) return false;
  return first.path[last][0] === other.path[last][0];
}


