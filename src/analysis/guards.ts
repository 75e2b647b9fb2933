// What a guard means for page-table bits. A condition is split into atoms (through `!`, `&&`, `||`,
// likely(), WARN_ON_ONCE()), and each atom is classified: "the source entry was writable"
// (G1), "a complete write-upgrade predicate holds" (G2), "this is a write fault" (G3), ... Booleans
// carry the class of what they were assigned from (`write = pmd_write(old_pmd)`), including
// a `x = true` assignment's own guard (numa: `if (can_change_pte_writable(..)) writable = true`).

import type { SyntaxNode } from '../lang/parser.js';
import {
  hasRole,
  isCanWritableName,
} from './kernel-api.js';
import type { Guard } from './function-model.js';
import { conditionShape } from './condition.js';
import type { ValueFlow } from './value-flow.js';
import { compactText, identifiersIn } from './syntax.js';

export interface Atom {
  node: SyntaxNode;
  positive: boolean;
  /** False when the atom is one alternative of a disjunction: it need not hold. */
  definite: boolean;
}

export type AtomClass =
  | 'srcWrite'
  | 'upgrade'
  | 'uffdBlocker'
  | 'softDirtyBlocker'
  | 'faultWrite'
  | 'unshare'
  | 'vmWrite'
  | 'vmShared'
  | 'anonExclusive'
  | 'writeParam'
  | 'uffd'
  | 'anyWritable'
  | 'cowMapping'
  /** R12: pte_protnone()/pmd_protnone() (NUMA hinting entry). */
  | 'protnone'
  /** R12: pte_dirty()/pmd_dirty() of the tested entry. */
  | 'entryDirty'
  /** R12: vma_soft_dirty_enabled() (soft-dirty tracking active). */
  | 'softDirtyTracking'
  /** R12: pte_soft_dirty()/pmd_soft_dirty() of a present entry. */
  | 'entrySoftDirty'
  /** R12: userfaultfd_wp(vma) (the VMA is registered for uffd-wp at all). */
  | 'uffdVma'
  /** R15: is_writable_migration_entry() & co (the entry *type* is writable). */
  | 'entryTypeWrite'
  /** R15: is_readable_migration_entry() & co (the entry *type* is read-only). */
  | 'entryTypeReadonly'
  /** R3/R5: soft-dirty of a present or swap entry (pte_soft_dirty, pte_swp_soft_dirty), with its origin. */
  | 'softDirty';

export interface Meaning {
  cls: AtomClass;
  /** Polarity after following negations and boolean assignments. */
  positive: boolean;
  /** The table slot the predicate tested, when known (a write test and a uffd-wp test of one slot exclude each other). */
  origin?: string;
}

// By condition node, [negative, positive]: the same guards are split again by every question
// about a point (compatible(), the meanings of its guards). Shared: callers only read them.
const atomsByCondition = new WeakMap<SyntaxNode, Atom[][]>();

/** Splits a guard into atoms with their polarity. */
export function atomsOf(guard: Guard): readonly Atom[] {
  let byPolarity = atomsByCondition.get(guard.expr);
  if (!byPolarity) atomsByCondition.set(guard.expr, (byPolarity = []));
  const polarity = guard.positive ? 1 : 0;
  let out = byPolarity[polarity];
  if (!out) {
    out = byPolarity[polarity] = [];
    split(guard.expr, guard.positive, true, out);
  }
  return out;
}

function split(node: SyntaxNode, positive: boolean, definite: boolean, out: Atom[]): void {
  const shape = conditionShape(node);
  if (shape.kind === 'not') return split(shape.arg, !positive, definite, out);
  if (shape.kind === 'and' || shape.kind === 'or') {
    // a && b holds: both hold. a || b fails: both fail. Otherwise each is only possible.
    const both = (shape.kind === 'and') === positive;
    split(shape.left, positive, definite && both, out);
    split(shape.right, positive, definite && both, out);
    return;
  }
  out.push({ node: shape.node, positive, definite });
}


/** Origin of uffd-wp requested by a caller flag (MFILL_ATOMIC_WP): it tests no entry. */
const REQUEST = 'request';

// write, writable, mkwrite, make_writable, set_write (6.17 prot_commit_flush_ptes), wr, w
const WRITE_PARAM = /^(?:\w+_)?(?:write|writable|mkwrite)$|^wr?$/;

/** The classes of an atom, following boolean variables to their assignments. */
export class GuardClassifier {
  private readonly memo = new Map<string, Meaning[]>();

  constructor(private readonly flow: ValueFlow) {}

  meaningsOf(atom: Atom): Meaning[] {
    return this.meanings(atom.node, atom.positive, new Set());
  }

  /** All meanings of a guard list's definite atoms. */
  meaningsOfGuards(guards: Guard[]): Meaning[] {
    return guards.flatMap((g) => atomsOf(g).filter((a) => a.definite).flatMap((a) => this.meaningsOf(a)));
  }

  // By node id and polarity (id * 2 + 1 when positive): the meanings of an atom that is not a
  // variable depend on nothing else, and the rules ask them of the same guards again and again
  // (every compatible() call re-reads its points' guards). Shared: callers only read them.
  private readonly atomMemo = new Map<number, Meaning[]>();

  private meanings(node: SyntaxNode, positive: boolean, visiting: Set<string>): Meaning[] {
    if (node.type === 'identifier' && !isConstantName(node.text)) return this.variableMeanings(node, positive, visiting);
    const key = node.id * 2 + (positive ? 1 : 0);
    let out = this.atomMemo.get(key);
    if (!out) this.atomMemo.set(key, (out = this.atomMeanings(node, positive)));
    return out;
  }

  private atomMeanings(node: SyntaxNode, positive: boolean): Meaning[] {
    const out: Meaning[] = [];
    if (node.type === 'call_expression') {
      const name = node.childForFieldName('function')?.text ?? '';
      const args = node.childForFieldName('arguments')?.namedChildren ?? [];
      const first = args[0];
      if (hasRole(name, ['present-write-test', 'entry-type-write-test'])) out.push({ cls: 'srcWrite', positive, origin: first ? this.flow.originOf(first) : undefined });
      if (hasRole(name, 'write-upgrade-predicate') || isCanWritableName(name)) out.push({ cls: 'upgrade', positive });
      if (hasRole(name, 'uffd-wp-upgrade-blocker')) out.push({ cls: 'uffdBlocker', positive });
      if (hasRole(name, 'soft-dirty-upgrade-blocker')) out.push({ cls: 'softDirtyBlocker', positive });
      if (hasRole(name, 'uffd-wp-test')) {
        const tested = name.startsWith('userfaultfd_') ? args[1] : first;
        out.push({ cls: 'uffd', positive, origin: tested ? this.flow.originOf(tested) : undefined });
      }
      if (hasRole(name, 'anon-exclusive-test')) out.push({ cls: 'anonExclusive', positive });
      if (hasRole(name, 'cow-mapping-test')) out.push({ cls: 'cowMapping', positive });
      if (hasRole(name, 'protnone-test')) out.push({ cls: 'protnone', positive });
      if (hasRole(name, 'dirty-test')) out.push({ cls: 'entryDirty', positive });
      if (hasRole(name, 'soft-dirty-tracking-test')) out.push({ cls: 'softDirtyTracking', positive });
      if (hasRole(name, 'soft-dirty-test') && !hasRole(name, 'swap-only-accessor')) out.push({ cls: 'entrySoftDirty', positive });
      if (hasRole(name, 'uffd-wp-vma-test')) out.push({ cls: 'uffdVma', positive });
      if (hasRole(name, 'entry-type-write-test')) out.push({ cls: 'entryTypeWrite', positive });
      if (hasRole(name, 'entry-type-readonly-test')) out.push({ cls: 'entryTypeReadonly', positive });
      if (hasRole(name, 'soft-dirty-test')) out.push({ cls: 'softDirty', positive, origin: first ? this.flow.originOf(first) : undefined });
      if (out.length) return out;
    }
    for (const id of identifiersIn(node)) {
      if (id === 'FAULT_FLAG_WRITE') out.push({ cls: 'faultWrite', positive });
      else if (id === 'FAULT_FLAG_UNSHARE') out.push({ cls: 'unshare', positive });
      else if (id === 'VM_WRITE') out.push({ cls: 'vmWrite', positive });
      else if (id === 'VM_SHARED' || id === 'VM_MAYSHARE') out.push({ cls: 'vmShared', positive });
      else if (hasRole(id, 'source-write-carrier')) out.push({ cls: 'srcWrite', positive });
      else if (hasRole(id, 'uffd-wp-request-flag')) out.push({ cls: 'uffd', positive, origin: REQUEST });
      if (hasRole(id, 'batch-writable-out-param')) out.push({ cls: 'anyWritable', positive });
    }
    return out;
  }

  /**
   * Does a condition that holds prove the page exclusive? `exclusive || folio_ref_count(folio) == 1`
   * (do_swap_page) does: every alternative is evidence. A boolean counts when everything it is
   * assigned is evidence, `true` (a fresh folio) or `false`.
   */
  provesExclusive(node: SyntaxNode, visiting = new Set<string>()): boolean {
    const shape = conditionShape(node);
    if (shape.kind === 'and') return this.provesExclusive(shape.left, visiting) || this.provesExclusive(shape.right, visiting);
    if (shape.kind === 'or') return this.provesExclusive(shape.left, visiting) && this.provesExclusive(shape.right, visiting);
    if (shape.kind !== 'atom') return false;
    const n = shape.node;
    if (n.type === 'binary_expression') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!l || !r) return false;
      return n.childForFieldName('operator')?.text === '==' && /^(folio_ref_count|page_count|folio_mapcount|page_mapcount)\b/.test(l.text) && r.text === '1';
    }
    if (n.type === 'call_expression') return hasRole(n.childForFieldName('function')?.text ?? '', 'exclusive-guard-evidence');
    if (n.type === 'identifier' && !visiting.has(n.text)) {
      visiting.add(n.text);
      const defs = this.flow.definitionsOf(n.text).filter((d) => d.operator === '=');
      return defs.length > 0 && defs.every((d) => isTrueLiteral(d.value) || isFalseLiteral(d.value) || this.provesExclusive(d.value, visiting)) &&
        defs.some((d) => !isFalseLiteral(d.value));
    }
    return false;
  }

  private variableMeanings(node: SyntaxNode, positive: boolean, visiting: Set<string>): Meaning[] {
    const name = node.text;
    const key = `${name}:${positive}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    if (visiting.has(name)) return [];
    visiting.add(name);
    const out: Meaning[] = [];
    if (hasRole(name, 'batch-writable-out-param')) out.push({ cls: 'anyWritable', positive }, { cls: 'srcWrite', positive });
    const defs = this.flow.definitionsOf(name);
    if (defs.length === 0 && this.flow.model.params.has(name) && WRITE_PARAM.test(name)) out.push({ cls: 'writeParam', positive });
    for (const d of defs) {
      if (d.operator !== '=') continue;
      const v = d.value;
      if (isTrueLiteral(v)) {
        // `writable = true;` means what its own guard means.
        for (const g of d.point.guards) {
          for (const a of atomsOf(g)) if (a.definite) out.push(...this.meanings(a.node, a.positive === positive, visiting));
        }
      } else if (!isFalseLiteral(v)) {
        const atoms: Atom[] = [];
        split(v, positive, true, atoms);
        for (const a of atoms) out.push(...this.meanings(a.node, a.positive, visiting));
      }
    }
    visiting.delete(name);
    this.memo.set(key, out);
    return out;
  }
}

function isConstantName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name);
}

export function isTrueLiteral(n: SyntaxNode): boolean {
  return n.type === 'true' || (n.type === 'number_literal' && n.text !== '0');
}

export function isFalseLiteral(n: SyntaxNode): boolean {
  return n.type === 'false' || n.type === 'null' || (n.type === 'number_literal' && /^0+[uUlL]*$/.test(n.text));
}

/**
 * Can all these guards hold together? No if one atom is required both ways, or if "the source was
 * writable" and "the source carries uffd-wp" are required of the same slot: a writable entry never
 * carries uffd-wp (6.1 remove_migration_pmd), whatever the statement shape.
 */
export function consistent(classifier: GuardClassifier, guards: Guard[]): boolean {
  // Asked for every pair of points and path the rules compare: loops, not a chain of arrays.
  const atoms: Atom[] = [];
  const seen = new Map<string, boolean>();
  for (const g of guards) {
    for (const a of atomsOf(g)) {
      if (!a.definite) continue;
      const key = compactText(a.node);
      const prev = seen.get(key);
      if (prev !== undefined && prev !== a.positive) return false;
      seen.set(key, a.positive);
      atoms.push(a);
    }
  }
  const writable: Meaning[] = [];
  const uffd: Meaning[] = [];
  for (const a of atoms) {
    for (const m of classifier.meaningsOf(a)) {
      if (m.cls === 'srcWrite' && m.positive) writable.push(m);
      else if (m.cls === 'uffd' && m.positive && m.origin !== REQUEST) uffd.push(m);
    }
  }
  for (const w of writable) {
    for (const u of uffd) {
      if (w.origin === undefined || u.origin === undefined || w.origin === u.origin) return false;
    }
  }
  return true;
}
