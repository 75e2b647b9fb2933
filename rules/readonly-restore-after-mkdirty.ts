// R15 (docs/invariants.md#readonly-restore-after-mkdirty): on architectures whose *_mkdirty() sets
// the hardware write bit, a present entry rebuilt from a read-only migration / device entry must be
// write-protected after it was made dirty. Origin: 96a9c287e25d "mm/migrate: fix wrongly apply
// write bit after mkdirty on sparc64" (the `else pte_wrprotect()` / `else pmd_wrprotect()` still in
// 6.1), reverted in v6.4 after the sparc64 fix; bf2f34a506e6 fixed the same class on loongarch. Off
// by default, on with --legacy-arch.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import { apiOf, mkdirtyMaySetWrite } from '../src/analysis/kernel-api.js';
import { establishes, type MeaningTest } from '../src/analysis/predicate-paths.js';
import { skipsCertainRedefinition } from '../src/analysis/path-feasibility.js';
import type { FunctionFacts, Sink } from '../src/analysis/facts.js';
import type { Guard } from '../src/analysis/function-model.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';
import type { ValuePath, ValueStep } from '../src/analysis/value-flow.js';

/** "The entry's type is read-only" known on the path (READ, READ_EXCLUSIVE, readable device entry). */
const READ_ONLY_TYPE: MeaningTest[] = [
  { cls: 'entryTypeWrite', positive: false },
  { cls: 'entryTypeReadonly', positive: true },
];

/** Steps that put the value out of scope: it is meant writable, or carries uffd-wp (6.1 remove_migration_pte's uffd-wp arm: only on architectures whose mkdirty never sets write). */
const OUT_OF_SCOPE = new Set(['grant', 'grantVma', 'grantEntry', 'setUffd']);
/** Steps after the last mkdirty that settle the write bit again. */
const RESETS_WRITE = new Set(['wrprotect', 'modify']);

export default defineRule({
  meta: {
    id: 'readonly-restore-after-mkdirty',
    catalogue: 'R15',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: false,
    modes: ['legacy-arch'],
    summary: 'Detect a read-only migration entry restored through *_mkdirty() without a later *_wrprotect()',
    messages: {
      wrprotectDropped:
        'the patch removes {{call}}() from the way where the source entry was not writable: on sparc64 (6.1) and older loongarch a *_mkdirty() of the restored value also sets write, and nothing takes it back (judged from the hunks)',
      noWrprotectBelowHunks:
        '{{call}}() on a value restored from a read-only entry is not followed by {{wrprotect}}() before the end of the hunks shown, where {{value}} goes on to its installer: on sparc64 (6.1) and older loongarch *_mkdirty() also sets write',
      noWrprotect:
        '{{call}}() on a value restored from a read-only entry is not followed by {{wrprotect}}() before {{sink}}() at line {{line}}: on sparc64 (6.1) and older loongarch *_mkdirty() also sets write',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the write-protects of a value on a way where the
    // source entry was not writable (`else pte = pte_wrprotect(pte)` after is_writable_migration_entry()).
    // The *_mkdirty() and the installer are often outside the hunk, but both images share them: a
    // patch that deletes the write-protect leaves the restored entry to whatever *_mkdirty() set.
    hunkFacts: { messageId: 'wrprotectDropped', collect: readonlyWrprotects },
    keywords: ['_mkdirty'],
    docs: {
      why: [
        'A migration or device entry carries write permission in its type: READ and READ_EXCLUSIVE entries',
        'must come back as read-only present entries. remove_migration_pte() and remove_migration_pmd()',
        'rebuild the entry from vma->vm_page_prot and then mark it dirty with pte_mkdirty() /',
        'pmd_mkdirty() when the page was dirty. On sparc64 (still in 6.1) and on loongarch before',
        'bf2f34a506e6, *_mkdirty() also sets the hardware write bit, so a page that was mapped read-only',
        'before migration came back writable: a write no longer faults, which breaks COW, uffd-wp,',
        'soft-dirty and write-notify. 96a9c287e25d ("mm/migrate: fix wrongly apply write bit after mkdirty',
        'on sparc64") added `else pte = pte_wrprotect(pte)` / `else pmd = pmd_wrprotect(pmd)` after the',
        'dirty step on the read-only path; it was reverted in v6.4 once the architectures were fixed, so',
        'the rule only makes sense for trees that still have such an architecture (--legacy-arch).',
      ].join(' '),
      fix: 'write-protect the restored value after the last *_mkdirty() on the read-only path (else pte = pte_wrprotect(pte))',
      limits: [
        'Off by default; --legacy-arch turns it on (and applies its semantics to any tree); without',
        'the flag, a run that names the rule reports only in trees older than 6.5, whose sparc64 or',
        'loongarch helpers still set write in *_mkdirty(). Only restores of a migration/device entry whose type',
        'is known read-only on the path (the writable-type arm was not taken: !is_writable_migration_entry(),',
        'a `write` boolean from it, is_readable_migration_entry()) are in scope; fault paths (wp_page_copy,',
        'do_swap_page) are not, because upstream fixed that class in the architecture helpers. A path that',
        'sets uffd-wp is out of scope too: uffd-wp exists only on x86/arm64, whose mkdirty never',
        'sets write, so pristine 6.1 remove_migration_pte/pmd are silent. With --legacy-arch on 6.12 the',
        'rule reports remove_migration_pte, remove_migration_pmd and __split_huge_pmd_locked, which are',
        'correct there because no 6.12 architecture sets write in *_mkdirty(). Hugetlb restores are',
        'followed like any other value; arch helpers themselves are not analyzed.',
      ].join(' '),
      references: [
        '96a9c287e25d mm/migrate: fix wrongly apply write bit after mkdirty on sparc64',
        'bf2f34a506e6 LoongArch: Set _PAGE_DIRTY only if _PAGE_WRITE is set in {pmd,pte}_mkdirty()',
      ],
      examples: {
        invalid: [
          `static void restore_pmd(struct vm_area_struct *vma, pmd_t *pmdp, struct page *new)
{
	pmd_t old = *pmdp;
	swp_entry_t entry = pmd_to_swp_entry(old);
	pmd_t pmde = mk_huge_pmd(new, READ_ONCE(vma->vm_page_prot));

	if (PageDirty(new) && is_migration_entry_dirty(entry))
		pmde = pmd_mkdirty(pmde);
	if (pmd_swp_soft_dirty(old))
		pmde = pmd_mksoft_dirty(pmde);
	else
		pmde = pmd_clear_soft_dirty(pmde);
	if (is_writable_migration_entry(entry))
		pmde = pmd_mkwrite(pmde, vma);
	if (pmd_swp_uffd_wp(old))
		pmde = pmd_mkuffd_wp(pmde);
	set_pmd_at(vma->vm_mm, 0, pmdp, pmde);
}`,
        ],
        valid: [
          `static void restore_pmd(struct vm_area_struct *vma, pmd_t *pmdp, struct page *new)
{
	pmd_t old = *pmdp;
	swp_entry_t entry = pmd_to_swp_entry(old);
	pmd_t pmde = mk_huge_pmd(new, READ_ONCE(vma->vm_page_prot));

	if (PageDirty(new) && is_migration_entry_dirty(entry))
		pmde = pmd_mkdirty(pmde);
	if (pmd_swp_soft_dirty(old))
		pmde = pmd_mksoft_dirty(pmde);
	else
		pmde = pmd_clear_soft_dirty(pmde);
	if (is_writable_migration_entry(entry))
		pmde = pmd_mkwrite(pmde, vma);
	else
		pmde = pmd_wrprotect(pmde);
	if (pmd_swp_uffd_wp(old))
		pmde = pmd_mkuffd_wp(pmde);
	set_pmd_at(vma->vm_mm, 0, pmdp, pmde);
}`,
        ],
      },
    },
  },
  check({ facts, version, legacyArch, lineOf, report }) {
    // Only where some architecture of the tree sets write in *_mkdirty(): 6.12 is correct as it is.
    if (!mkdirtyMaySetWrite(version, legacyArch ?? false)) return;
    const reported = new Set<number>();
    for (const sink of facts.sinks) {
      if (!sink.value) continue;
      for (const path of facts.pathsOf(sink.value)) {
        const mkdirty = unprotectedMkdirty(facts, path, sink, sink.call.node);
        if (!mkdirty || reported.has(mkdirty.call.node.id)) continue;
        reported.add(mkdirty.call.node.id);
        report({
          node: mkdirty.call.node,
          messageId: 'noWrprotect',
          data: {
            call: mkdirty.call.name,
            wrprotect: mkdirty.call.name.replace(/mkdirty$/, 'wrprotect'),
            sink: sink.call.name,
            line: lineOf(sink.call.node),
          },
        });
      }
    }
    // A fragment rebuilt from hunks: the installer may sit below the last hunk. A value restored
    // here and installed nowhere in view is judged where the fragment is cut.
    if (facts.partial) {
      const installed = new Set(facts.sinks.flatMap((k) => (k.value ? [k.value.text.replace(/\s+/g, '')] : [])));
      for (const restore of facts.model.assignments) {
        if (restore.operator !== '=' || !RESTORE_CONSTRUCTORS.test(restore.value.text) || installed.has(restore.target)) continue;
        const target = restore.target;
        // The cut: the last statement shown in the block of the restore (6.1 remove_migration_pte():
        // the body of the page_vma_mapped_walk() loop), read as the place of the missing installer.
        const end = lastStatementOfBlock(restore.node);
        if (!end) continue;
        for (const path of facts.flow.pathsOfVariableAt(target, end)) {
          const mkdirty = unprotectedMkdirty(facts, path, undefined, end);
          if (!mkdirty || reported.has(mkdirty.call.node.id)) continue;
          reported.add(mkdirty.call.node.id);
          report({
            node: mkdirty.call.node,
            messageId: 'noWrprotectBelowHunks',
            data: { call: mkdirty.call.name, wrprotect: mkdirty.call.name.replace(/mkdirty$/, 'wrprotect'), value: target },
          });
        }
      }
    }
  },
});

/** The last statement of the block holding `node` (itself, if nothing follows it there). */
function lastStatementOfBlock(node: SyntaxNode): SyntaxNode | undefined {
  let stmt: SyntaxNode | null = node;
  while (stmt && stmt.parent?.type !== 'compound_statement') stmt = stmt.parent;
  const block = stmt?.parent;
  if (!stmt || !block) return undefined;
  const statements = block.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'preproc_call');
  return statements[statements.length - 1];
}

/** Constructors of a present entry a restore starts from (mk_pte(), mk_huge_pmd(), folio_mk_pte()). */
const RESTORE_CONSTRUCTORS = /^\s*(?:mk_pte|mk_huge_pmd|mk_huge_pte|pfn_pte|pfn_pmd|folio_mk_pte|folio_mk_pmd|mk_pmd)\s*\(/;

/**
 * The last *_mkdirty() step of a path that restores a read-only migration/device entry into a
 * present entry and installs it without a write-protect after that step; undefined when the path
 * is fine or out of scope.
 */
function unprotectedMkdirty(facts: FunctionFacts, path: ValuePath, sink: Sink | undefined, use: SyntaxNode): ValueStep | undefined {
  // A present entry built here (mk_pte, mk_huge_pmd): the restore, not a transform of a read value.
  if (path.base.kind !== 'construct') return undefined;
  let last = -1;
  path.steps.forEach((s, i) => {
    if (s.api.effect === 'mkdirty') last = i;
  });
  if (last < 0) return undefined;
  if (path.steps.some((s) => OUT_OF_SCOPE.has(s.api.effect))) return undefined;
  if (path.steps.slice(last + 1).some((s) => RESETS_WRITE.has(s.api.effect))) return undefined;
  const points = [...path.steps.map((s) => s.call.point), ...(sink ? [sink.call.point] : [])];
  if (!facts.compatible(points, path.assumptions)) return undefined;
  if (skipsCertainRedefinition(facts.model, path, use)) return undefined;
  const known: Guard[] = [...path.assumptions, ...points.flatMap((p) => p.guards)];
  if (!known.some((g) => establishes(facts, g, READ_ONLY_TYPE))) return undefined;
  return path.steps[last];
}

/** Value write-protects under a known not-writable source entry, where *_mkdirty() may set write. */
function readonlyWrprotects(facts: FunctionFacts, legacyArch: boolean): HunkFact[] {
  if (!mkdirtyMaySetWrite(facts.version, legacyArch)) return [];
  const out: HunkFact[] = [];
  for (const call of facts.model.calls) {
    if (apiOf(call.name)?.effect !== 'wrprotect' || apiOf(call.name)?.level === 'swp') continue;
    if (!facts.meanings(call.point.guards).some((m) => m.cls === 'srcWrite' && !m.positive)) continue;
    out.push({ key: 'wrprotect-readonly', node: call.node, data: { call: call.name } });
  }
  return out;
}
