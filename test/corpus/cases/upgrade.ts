// The case table of test/corpus/mutations-upgrade.test.ts (R12 write-upgrade-predicate-complete,
// R15 readonly-restore-after-mkdirty), in a module of its own so that other tests
// (test/patch-mode/mutation-patches.test.ts) replay the same edits. See mutation-harness.ts for
// what a case means; kernel text is read at test time only.

import { allRules } from '../../../rules/index.js';
import type { Rule } from '../../../src/engine/define-rule.js';
import type { MutationCase } from '../mutation-harness.js';

export const R12 = 'write-upgrade-predicate-complete';
export const R13 = 'softdirty-tracking-predicate';
export const R15 = 'readonly-restore-after-mkdirty';

// The rule fires at exactly the `at` lines (`exact`), each message naming the missing check
// (`message`); other rules listed in `mayAlsoFire` may rightly fire on the edit too (not required).
export const cases: MutationCase[] = [
  {
    name: 'R12-1. can_change_pte_writable: uffd-wp condition edited away',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: 'if (userfaultfd_pte_wp(vma, pte))',
    replace: 'if (pte_none(pte))',
    rule: R12,
    exact: true,
    // Both returns (private and shared) can now make a uffd-wp'd PTE writable.
    at: [{ needle: 'return page && PageAnon(page)' }, { needle: 'return pte_dirty(pte);' }],
    message: /userfaultfd_pte_wp/,
  },
  {
    name: 'R12-2. can_change_pte_writable: pte_protnone() check dropped',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: '\tif (pte_protnone(pte))\n\t\treturn false;\n',
    replace: '',
    rule: R12,
    exact: true,
    at: [{ needle: 'return page && PageAnon(page)' }, { needle: 'return pte_dirty(pte);' }],
    message: /pte_protnone/,
  },
  {
    name: 'R12-3. can_change_pte_writable: PageAnonExclusive() requirement dropped',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: 'return page && PageAnon(page) && PageAnonExclusive(page);',
    replace: 'return page && PageAnon(page);',
    rule: R12,
    exact: true,
    at: [{ needle: 'return page && PageAnon(page);', direction: 'forward' }],
    message: /PageAnonExclusive/,
  },
  {
    name: 'R12-4. can_follow_write_pte: exclusivity check dropped (Dirty COW shape)',
    version: '6.12',
    file: 'mm/gup.c',
    fn: 'can_follow_write_pte',
    find: 'if (!page || !PageAnon(page) || !PageAnonExclusive(page))',
    replace: 'if (!page || !PageAnon(page))',
    rule: R12,
    exact: true,
    at: [{ needle: 'return !userfaultfd_pte_wp(vma, pte);' }],
    message: /PageAnonExclusive/,
  },
  {
    name: 'R12-5. can_change_pmd_writable: shared path without pmd_dirty()',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'can_change_pmd_writable',
    find: 'return pmd_dirty(pmd);',
    replace: 'return true;',
    rule: R12,
    exact: true,
    at: [{ needle: 'return true;' }],
    message: /pmd_dirty/,
  },
  {
    name: 'R12-6. 6.1 can_follow_write_pmd: uffd-wp check dropped',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'can_follow_write_pmd',
    find: 'return !userfaultfd_huge_pmd_wp(vma, pmd);',
    replace: 'return true;',
    rule: R12,
    exact: true,
    at: [{ needle: 'return true;' }],
    message: /userfaultfd_huge_pmd_wp/,
  },
  {
    name: 'R12-7. 6.1 can_change_pte_writable: raw VM_SOFTDIRTY test (the 76aefad628aa bug)',
    version: '6.1',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: 'if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))',
    replace: 'if ((vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte))',
    rule: R12,
    exact: true,
    at: [{ needle: 'return true;' }],
    message: /soft-dirty/,
    mayAlsoFire: [R13],
  },
  {
    name: 'R15-1. 6.1 remove_migration_pte: sparc64 else pte_wrprotect() removed',
    version: '6.1',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: '\t\telse\n\t\t\tpte = pte_wrprotect(pte);\n',
    replace: '',
    rule: R15,
    exact: true,
    legacyArch: true,
    at: [{ needle: 'pte_mkdirty(', direction: 'backward' }],
    message: /pte_wrprotect/,
  },
  {
    name: 'R15-2. 6.1 remove_migration_pmd: sparc64 else pmd_wrprotect() removed',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'remove_migration_pmd',
    find: '\telse\n\t\tpmde = pmd_wrprotect(pmde);\n',
    replace: '',
    rule: R15,
    exact: true,
    legacyArch: true,
    at: [{ needle: 'pmd_mkdirty(', direction: 'backward' }],
    message: /pmd_wrprotect/,
  },
];

// The whole catalogue: R15 is off by default, and it runs here (with --legacy-arch per case) as
// every other rule does when "no other rule newly fires" is checked.
export const rules: Rule[] = allRules;
