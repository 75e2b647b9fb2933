// R2 (docs/invariants.md#uffd-wp-never-writable): an entry that carries uffd-wp is never writable.
// Origin: the 2022 review of 3c811f7883f1 (uffd-wp needs the PTE write-protected *and* the bit
// restored), f45ec5ff16a7, and f1eb1bacfba9 which made *_mkuffd_wp() clear write from 6.5 on (the
// version knob).

import { defineRule, type FactVerdict, type HunkFact, type SeenFact } from '../src/engine/define-rule.js';
import { formatKernelVersion } from '../src/kernel-version.js';
import { apiOf, hasRole, mkuffdWpClearsWrite } from '../src/analysis/kernel-api.js';
import type { FunctionFacts, Grant } from '../src/analysis/facts.js';
import type { Call } from '../src/analysis/function-model.js';
import type { ValuePath } from '../src/analysis/value-flow.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';
import { atomsOf, isFalseLiteral } from '../src/analysis/guards.js';

export default defineRule({
  meta: {
    id: 'uffd-wp-never-writable',
    catalogue: 'R2',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect a uffd-wp entry that can end up writable',
    messages: {
      wrprotectDropped:
        'the patch removes {{call}}() from the uffd-wp way, or from the guard that keeps a write grant off uffd-wp entries: the uffd-wp entry may become or stay writable (judged from the hunks)',
      grantAfterUffd:
        '{{call}}() can make the entry writable after {{setter}}() set uffd-wp on it at line {{line}}',
      grantUnderUffd: '{{call}}() grants write under {{guard}}, when the entry carries uffd-wp',
      uffdOnWritable:
        '{{call}}() sets uffd-wp on a value that may be writable ({{source}}, line {{line}}) without a *_wrprotect(): in {{version}} *_mkuffd_wp() does not clear the write bit',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the uffd-wp tests guarding a write grant, and
    // where *_mkuffd_wp() does not clear write (before 6.5) the write-protects of a value on a
    // uffd-wp way. A patch that deletes one leaves the uffd-wp entry writable, whatever the unseen
    // lines hold.
    hunkFacts: { messageId: 'wrprotectDropped', collect: uffdProtections, judge: protectionLosses },
    keywords: ['uffd_wp', 'UFFD_WP', 'wp_copy'],
    docs: {
      why: [
        'userfaultfd write-protection works by keeping the entry read-only so that the next write faults',
        'and is reported to the monitor. A uffd-wp entry that is writable lets writes through silently: the',
        'monitor (live migration, snapshotting) misses them and the copy it takes is corrupt. The bit must',
        'survive every transition with write cleared. From 6.5 (f1eb1bacfba9) pte_mkuffd_wp() and',
        'pmd_mkuffd_wp() clear write themselves, so granting write *after* setting uffd-wp is the bug; in',
        '6.1 they do not, so setting uffd-wp on a possibly-writable value needs an explicit *_wrprotect().',
        'Thread 001: "uffd-wp needs special care ... pte = pte_wrprotect(pte); pte = pte_mkuffd_wp(pte)".',
      ].join(' '),
      fix: 'set uffd-wp after the write grant (6.5+), make the grant and the uffd-wp arm exclusive, or write-protect the value explicitly',
      limits: [
        'A writable source is assumed never to carry uffd-wp, so a write predicate and a uffd-wp predicate',
        'on the same slot exclude each other (as in 6.1 remove_migration_pmd()). Values built from vma->vm_page_prot are not grants:',
        'uffd-wp VMAs have a read-only vm_page_prot (51d3d5eb74ff). In 6.1 mode, a value read from the',
        'table counts as possibly writable.',
      ].join(' '),
      references: [
        'linux-mm, 2022-11: review of "mm/migrate: fix read-only page got writable when recover pte"',
        'f45ec5ff16a7 userfaultfd: wp: support swap and page migration',
        'f1eb1bacfba9 mm/uffd: always wr-protect pte in pte|pmd_mkuffd_wp()',
      ],
      examples: {
        invalid: [
          `static void install(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *page)
{
	pte_t old = ptep_get(ptep);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE))
		pte = pte_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
        valid: [
          `static void install(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *page)
{
	pte_t old = ptep_get(ptep);
	pte_t pte = mk_pte(page, vma->vm_page_prot);
	swp_entry_t entry = pte_to_swp_entry(old);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
      },
    },
  },
  check({ facts, version, lineOf, report }) {
    for (const grant of facts.grants) {
      if (grant.kind !== 'grant' && grant.kind !== 'grantVma') continue;
      if (excludesUffd(facts, grant)) continue;
      const uffdGuard = grant.point.guards.find((g) =>
        facts.meanings([g]).some((m) => m.cls === 'uffd' && m.positive),
      );
      const call = facts.flow.callAt(grant.node);
      const input = call?.args[0];
      if (!call || !input) continue;
      const paths = facts.pathsOf(input);
      if (uffdGuard && paths.every((p) => !p.steps.some((s) => s.api.effect === 'clearUffd'))) {
        report({ node: grant.node, messageId: 'grantUnderUffd', data: { call: grant.name, guard: uffdGuard.expr.text.replace(/\s+/g, ' ') } });
        continue;
      }
      hit: for (const path of paths) {
        for (let i = 0; i < path.steps.length; i++) {
          const s = path.steps[i];
          if (s.api.effect !== 'setUffd' || s.api.level === 'swp') continue;
          if (path.steps.slice(i + 1).some((t) => t.api.effect === 'clearUffd')) continue;
          if (!facts.compatible([s.call.point, grant.point], path.assumptions)) continue;
          if (facts.forcedFalseBetween(s.call.point, grant.point)) continue;
          report({
            node: grant.node,
            messageId: 'grantAfterUffd',
            data: { call: grant.name, setter: s.call.name, line: lineOf(s.call.node) },
          });
          break hit;
        }
      }
    }

    if (mkuffdWpClearsWrite(version)) return;
    // 6.1 semantics: *_mkuffd_wp() leaves write alone, so the value must already be read-only.
    for (const call of facts.model.calls) {
      const api = facts.api(call);
      if (api?.effect !== 'setUffd' || api.level === 'swp') continue;
      if (wrappedInWrprotect(facts, call.node) || wrprotectedLater(facts, call)) continue;
      const input = call.args[0];
      if (!input) continue;
      for (const path of facts.pathsOf(input)) {
        const writable = lastWriteSource(facts, call.point, path);
        if (!writable) continue;
        if (!facts.compatible(writable.point ? [writable.point, call.point] : [call.point], path.assumptions)) continue;
        report({
          node: call.node,
          messageId: 'uffdOnWritable',
          data: { call: call.name, source: writable.what, line: lineOf(writable.node), version: formatKernelVersion(version) },
        });
        break;
      }
    }
  },
});

/** Guards that make the grant safe whatever uffd-wp state came before (R2 exclusions). */
function excludesUffd(facts: FunctionFacts, grant: Grant): boolean {
  const m = facts.meanings(grant.point.guards);
  return m.some(
    (x) => (x.cls === 'uffd' && !x.positive) || (x.cls === 'uffdBlocker' && !x.positive) || (x.cls === 'upgrade' && x.positive),
  );
}

function wrappedInWrprotect(facts: FunctionFacts, node: SyntaxNode): boolean {
  for (let cur = node.parent; cur && !/(_statement|declaration)$/.test(cur.type); cur = cur.parent) {
    if (cur.type !== 'call_expression') continue;
    const call = facts.flow.callAt(cur);
    if (call && facts.api(call)?.effect === 'wrprotect') return true;
  }
  return false;
}

/** `pte = pte_mkuffd_wp(pte); pte = pte_wrprotect(pte);` (6.1 do_swap_page). */
function wrprotectedLater(facts: FunctionFacts, call: Call): boolean {
  const target = facts.model.assignments.find((a) => a.value.startIndex <= call.node.startIndex && a.value.endIndex >= call.node.endIndex)?.target;
  if (!target) return false;
  return facts.model.assignments.some((a) => {
    if (a.target !== target || a.order <= call.node.endIndex) return false;
    const c = a.value.type === 'call_expression' ? facts.flow.callAt(a.value) : undefined;
    return !!c && facts.api(c)?.effect === 'wrprotect' && facts.compatible([call.point, a.point]);
  });
}

interface WriteSource {
  what: string;
  node: SyntaxNode;
  point?: Call['point'];
}

/** The last thing on a path that can have made the value writable, unless a wrprotect follows it. */
function lastWriteSource(facts: FunctionFacts, through: Call['point'], path: ValuePath): WriteSource | undefined {
  const { base } = path;
  let source: WriteSource | undefined;
  if (base.kind === 'read') source = { what: `read by ${base.node.text.split('(')[0]}`, node: base.node };
  // make_huge_pte(vma, page, writable) grants when `writable` may be non-zero.
  const constructor = base.node.childForFieldName('function')?.text ?? '';
  if (base.kind === 'construct' && hasRole(constructor, 'writable-arg-constructor')) {
    const w = base.node.childForFieldName('arguments')?.namedChildren[2];
    if (w && !isFalseLiteral(w) && !(w.type === 'identifier' && facts.falseWhenever(w, through))) {
      source = { what: `${constructor}()`, node: base.node };
    }
  }
  for (const { call, api } of path.steps) {
    if (api.effect === 'grant' || api.effect === 'grantVma') source = { what: `${call.name}()`, node: call.node, point: call.point };
    // The new protection of pte_modify() may be writable (mprotect(PROT_WRITE)).
    else if (api.effect === 'modify') source = { what: `${call.name}() with a new protection`, node: call.node, point: call.point };
    else if (api.effect === 'wrprotect' || api.effect === 'setUffd') source = undefined;
  }
  return source;
}

/**
 * Value write-protects on a uffd-wp way, in versions whose *_mkuffd_wp() keeps write; and in
 * every version, the uffd-wp tests in a write grant's guard that keep it off uffd-wp entries
 * (`!userfaultfd_pte_wp(vma, pte)` before do_swap_page()'s pte_mkwrite()).
 */
function uffdProtections(facts: FunctionFacts): HunkFact[] {
  const out: HunkFact[] = [];
  for (const grant of facts.grants) {
    for (const guard of grant.point.guards) {
      for (const atom of atomsOf(guard)) {
        if (facts.guards.meaningsOf(atom).some((m) => (m.cls === 'uffdBlocker' || m.cls === 'uffd') && !m.positive)) {
          out.push({ key: 'grant-uffd-blocker', node: atom.node, data: { call: atom.node.text.replace(/\s+/g, ' ').replace(/\(.*$/, '') } });
        }
      }
    }
  }
  if (mkuffdWpClearsWrite(facts.version)) return out;
  for (const call of facts.model.calls) {
    if (apiOf(call.name)?.effect !== 'wrprotect' || apiOf(call.name)?.level === 'swp') continue;
    if (!facts.meanings(call.point.guards).some((m) => m.cls === 'uffd' && m.positive)) continue;
    out.push({ key: 'wrprotect-uffd', node: call.node, data: { call: call.name } });
  }
  // The uffd-wp setters themselves, so that a write-protect deleted together with its way's setter
  // is told apart from one deleted alone (protectionLosses).
  for (const call of facts.model.calls) {
    if (apiOf(call.name)?.effect !== 'setUffd') continue;
    out.push({ key: UFFD_SETTER, node: call.node, data: { call: call.name } });
  }
  return out;
}

const UFFD_SETTER = 'uffd-setter';

/**
 * A write-protect the patch deletes together with the uffd-wp setter of its way leaves no uffd-wp
 * entry to protect: the entry loses uffd-wp instead, which is uffd-wp-propagate's finding (6.1
 * hugetlb_no_page() losing `huge_pte_wrprotect(huge_pte_mkuffd_wp(new_pte))` whole). Setters are
 * only evidence, never findings of their own.
 */
function protectionLosses(lost: SeenFact[]): FactVerdict[] {
  const setterLost = lost.some((l) => l.key === UFFD_SETTER);
  return lost.filter((l) => l.key !== UFFD_SETTER && !(l.key === 'wrprotect-uffd' && setterLost)).map((l) => ({ lost: l }));
}
