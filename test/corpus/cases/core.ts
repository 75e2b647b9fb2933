// The case table of test/corpus/mutations.test.ts (R1 pte-write-grant-unjustified, R2
// uffd-wp-never-writable, R14 redundant-maybe-mkwrite), in a module of its own so that other tests
// (test/patch-mode/mutation-patches.test.ts) replay the same edits. See mutation-harness.ts for
// what a case means; kernel text is read at test time only.

import { expect } from 'vitest';
import type { Rule } from '../../../src/engine/define-rule.js';
import { defaultRules } from '../../../src/engine/registry.js';
import type { MutationCase, Needle } from '../mutation-harness.js';

export const R1 = 'pte-write-grant-unjustified';
export const R2 = 'uffd-wp-never-writable';
export const R14 = 'redundant-maybe-mkwrite';

// Single-needle cases: the version knob of mutations.test.ts reads `c.at` as one needle.
export const cases: Array<MutationCase & { at: Needle }> = [
  {
    name: '1. remove_migration_pte: pte_mkwrite under VM_WRITE instead of the writable migration entry',
    version: '6.12',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'is_writable_migration_entry(entry)',
    replace: 'vma->vm_flags & VM_WRITE',
    rule: R1,
    at: { needle: 'pte_mkwrite(' },
  },
  {
    name: '2. remove_migration_pte: maybe_mkwrite under the writable migration entry',
    version: '6.12',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'pte_mkwrite(pte, vma)',
    replace: 'maybe_mkwrite(pte, vma)',
    rule: R14,
    at: { needle: 'maybe_mkwrite(' },
    extra: (mutated, _pristine, line) => {
      expect(mutated.filter((f) => f.rule === R1 && f.line === line)).toEqual([]);
    },
  },
  {
    name: '3. remove_migration_pmd: pmd_mkwrite under VM_WRITE instead of the writable migration entry',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'remove_migration_pmd',
    find: 'is_writable_migration_entry(entry)',
    replace: 'vma->vm_flags & VM_WRITE',
    rule: R1,
    at: { needle: 'pmd_mkwrite(' },
  },
  {
    name: '4. try_to_migrate_one: writable migration entry from VM_WRITE instead of pte_write(pteval)',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_migrate_one',
    find: 'if (pte_write(pteval))',
    replace: 'if (vma->vm_flags & VM_WRITE)',
    rule: R1,
    at: { needle: 'make_writable_migration_entry(' },
  },
  {
    name: '5. migrate_vma_collect_pmd: MIGRATE_PFN_WRITE without pte_write(pte)',
    version: '6.12',
    file: 'mm/migrate_device.c',
    fn: 'migrate_vma_collect_pmd',
    find: 'mpfn |= pte_write(pte) ? MIGRATE_PFN_WRITE : 0;',
    replace: 'mpfn |= MIGRATE_PFN_WRITE;',
    rule: R1,
    at: { needle: 'mpfn |= MIGRATE_PFN_WRITE' },
  },
  {
    name: '6. change_pte_range: write upgrade from VM_WRITE instead of can_change_pte_writable()',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'change_pte_range',
    find: 'can_change_pte_writable(vma, addr, ptent)',
    replace: '(vma->vm_flags & VM_WRITE)',
    rule: R1,
    at: { needle: 'pte_mkwrite(' },
    // can_change_pte_writable() is also the uffd-wp guard of this grant (userfaultfd_pte_wp()
    // inside it), and the same loop sets uffd-wp when MM_CP_UFFD_WP is passed: without it the
    // upgrade can follow pte_mkuffd_wp(), so R2 rightly reports the same call.
    alsoAt: [R2],
  },
  {
    name: '7. do_swap_page: write grant without the !userfaultfd_pte_wp() guard',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'do_swap_page',
    find: '!userfaultfd_pte_wp(vma, pte) &&',
    replace: '',
    rule: R2,
    at: { needle: 'pte_mkwrite(' },
  },
  {
    name: '8. __split_huge_pmd_locked: pte_mkwrite under VM_WRITE instead of the PMD write bit',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: '__split_huge_pmd_locked',
    // `if (write)` occurs twice in the function (migration-entry and present arms): the condition
    // together with the call it guards is the unique snippet.
    find: 'if (write)\n\t\t\tentry = pte_mkwrite(entry, vma);',
    replace: 'if (vma->vm_flags & VM_WRITE)\n\t\t\tentry = pte_mkwrite(entry, vma);',
    rule: R1,
    at: { needle: 'pte_mkwrite(' },
  },
  {
    // The R2 form of mutation 8: grant write after uffd-wp is set. A grant that follows
    // pte_mkuffd_wp() and is justified for R1 can only be guarded by the source write bit, which
    // never coexists with uffd-wp (docs/invariants.md#uffd-wp-never-writable); so the grant must be
    // unjustified and R1 fires on the same call too.
    name: '8b. __split_huge_pmd_locked: write granted right after pte_mkuffd_wp()',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: '__split_huge_pmd_locked',
    find: 'entry = pte_mkuffd_wp(entry);',
    replace: 'entry = pte_mkwrite(pte_mkuffd_wp(entry), vma);',
    rule: R2,
    at: { needle: 'pte_mkwrite(pte_mkuffd_wp(' },
    alsoAt: [R1],
  },
  {
    name: '9. 6.1 do_swap_page: pte_mkuffd_wp() without the following pte_wrprotect()',
    version: '6.1',
    file: 'mm/memory.c',
    fn: 'do_swap_page',
    find: 'pte = pte_wrprotect(pte);',
    replace: '',
    rule: R2,
    at: { needle: 'pte_mkuffd_wp(', direction: 'backward' },
  },
  {
    name: '10. 6.1 change_pte_range: uffd_wp arm without pte_wrprotect() before pte_mkuffd_wp()',
    version: '6.1',
    file: 'mm/mprotect.c',
    fn: 'change_pte_range',
    find: 'ptent = pte_wrprotect(ptent);',
    replace: '',
    rule: R2,
    at: { needle: 'pte_mkuffd_wp(' },
  },
  {
    name: '11. 6.1 hugetlb_change_protection: huge_pte_mkuffd_wp() without huge_pte_wrprotect()',
    version: '6.1',
    file: 'mm/hugetlb.c',
    fn: 'hugetlb_change_protection',
    find: 'huge_pte_mkuffd_wp(huge_pte_wrprotect(pte))',
    replace: 'huge_pte_mkuffd_wp(pte)',
    rule: R2,
    at: { needle: 'huge_pte_mkuffd_wp(pte)' },
  },
  {
    name: '12. 6.1 remove_migration_pte: maybe_mkwrite under VM_WRITE instead of the writable migration entry',
    version: '6.1',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'is_writable_migration_entry(entry)',
    replace: 'vma->vm_flags & VM_WRITE',
    rule: R1,
    at: { needle: 'maybe_mkwrite(' },
    extra: (mutated, pristine, line) => {
      // The pristine note is there, and goes away with the source-write check.
      expect(pristine.filter((f) => f.rule === R14).length).toBe(1);
      expect(mutated.filter((f) => f.rule === R14 && f.line === line)).toEqual([]);
    },
  },
];

// The default rule set, as a user runs it: off-by-default rules (soft-dirty-spurious-gain,
// readonly-restore-after-mkdirty) report pristine functions on purpose and have their own tests.
export const rules: Rule[] = defaultRules();
