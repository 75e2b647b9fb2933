// A patch small enough to lint anywhere: the benchmark's mail when the seed mails are absent, and
// the bundle test's input. It turns a restore's maybe_mkwrite() under a writable-migration check
// into pte_mkwrite() (the redundant-maybe-mkwrite fix), in C written for the purpose.

/** The unified diff, ending with a newline. */
export const DEMO_DIFF = [
  'diff --git a/mm/demo.c b/mm/demo.c',
  '--- a/mm/demo.c',
  '+++ b/mm/demo.c',
  '@@ -1,6 +1,6 @@',
  ' static void demo_restore(struct vm_area_struct *vma, pte_t *ptep, swp_entry_t entry, pte_t pte)',
  ' {',
  ' \tif (is_writable_migration_entry(entry))',
  '-\t\tpte = maybe_mkwrite(pte, vma);',
  '+\t\tpte = pte_mkwrite(pte, vma);',
  ' \tset_pte_at(vma->vm_mm, 0, ptep, pte);',
  ' }',
  '',
].join('\n');
