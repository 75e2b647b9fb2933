// Realistic multi-hunk patches, written the way developers post them, on real functions of the
// 6.12 and 6.1 trees. Each shape is a bug from the mm history; each comes as the bug, its fix and a
// harmless refactor. Only find/replace snippets of a line or two of kernel text are kept here (the
// helpers the patches add are our own text); build.ts applies them to the corpus files at test time,
// commits the results in a temporary git repository and turns each commit into a patch with
// `git format-patch`, so every patch carries `index` lines.

export type Version = '6.12' | '6.1';
export type Variant = 'bug' | 'fix' | 'refactor';

/** Replace the first occurrence of `find` after the start of function `fn` (or of the file). */
export interface Edit {
  file: string;
  fn?: string;
  find: string;
  replace: string;
}

export interface RealisticShape {
  /** `a`..`e` and the version, e.g. `a 6.12`. */
  id: string;
  shape: string;
  version: Version;
  /** Committed before the case (the tree at hand is older than the patch's base). */
  prep?: { subject: string; edits: Edit[] };
  bug: { subject: string; edits: Edit[] };
  /** Applied on top of the bug; absent: the bug reverted. */
  fix?: { subject: string; edits: Edit[] };
  refactor: { subject: string; edits: Edit[] };
  /** What the bug patch must be reported as with the whole function: a rule introduced in `fn`, or (a rewrite) nothing. */
  expect: { rule: string; fn: string } | 'unchanged';
}

/** The corpus files each version's temporary repository starts from. */
export const BASE_FILES: Record<Version, string[]> = {
  '6.12': ['Makefile', 'mm/rmap.c', 'mm/memory.c', 'mm/hugetlb.c', 'mm/migrate.c', 'mm/internal.h'],
  '6.1': ['Makefile', 'mm/rmap.c', 'mm/memory.c', 'mm/hugetlb.c', 'mm/migrate.c', 'mm/internal.h'],
};

const UFFD = 'uffd-wp-propagate';

const RMAP = 'mm/rmap.c';
const MEMORY = 'mm/memory.c';
const HUGETLB = 'mm/hugetlb.c';

const SWP_CARRY_HELPER = [
  '/* Carry soft-dirty and uffd-wp of a present PTE over to the swap PTE replacing it. */',
  'static pte_t swp_pte_carry_bits(pte_t pteval, pte_t swp_pte)',
  '{',
  '\tif (pte_soft_dirty(pteval))',
  '\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);',
  '\tif (pte_uffd_wp(pteval))',
  '\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);',
  '\treturn swp_pte;',
  '}',
  '',
  '',
].join('\n');

const BATCH_FLAGS_HELPER = [
  '/* The folio_pte_batch() flags for copying the PTEs of src_vma at fork. */',
  'static inline fpb_t copy_pte_batch_flags(struct vm_area_struct *src_vma)',
  '{',
  '\tfpb_t flags = 0;',
  '',
  '\tif (src_vma->vm_flags & VM_SHARED)',
  '\t\tflags |= FPB_IGNORE_DIRTY;',
  '\tif (!vma_soft_dirty_enabled(src_vma))',
  '\t\tflags |= FPB_IGNORE_SOFT_DIRTY;',
  '\treturn flags;',
  '}',
  '',
  '',
].join('\n');

const present = (file: string, fn: string, edits: Array<[string, string]>): Edit[] => edits.map(([find, replace]) => ({ file, fn, find, replace }));

export const SHAPES: RealisticShape[] = [
  {
    id: 'a 6.12',
    shape: 'batched clear, merged value restored hunks below',
    version: '6.12',
    bug: {
      subject: 'mm/rmap: batch the deferred-flush unmap of large folios',
      edits: present(RMAP, 'try_to_unmap_one', [
        ['\tunsigned long hsz = 0;\n', '\tunsigned long hsz = 0;\n\tunsigned int nr_pages = 1;\n'],
        [
          '\t\t\t\tpteval = ptep_get_and_clear(mm, address, pvmw.pte);\n',
          '\t\t\t\tnr_pages = folio_pte_batch(folio, address, pvmw.pte, pteval,\n' +
            '\t\t\t\t\t\tfolio_nr_pages(folio), 0, NULL, NULL, NULL);\n' +
            '\t\t\t\tpteval = get_and_clear_full_ptes(mm, address, pvmw.pte, nr_pages, 0);\n',
        ],
        ['\t\t\t\tset_pte_at(mm, address, pvmw.pte, pteval);\n\t\t\t\t/*\n', '\t\t\t\tset_ptes(mm, address, pvmw.pte, pteval, nr_pages);\n\t\t\t\t/*\n'],
      ]),
    },
    fix: {
      subject: 'mm/rmap: fix incorrect pte restoration for lazyfree folios',
      edits: present(RMAP, 'try_to_unmap_one', [
        [
          '\t\t\t\tpteval = get_and_clear_full_ptes(mm, address, pvmw.pte, nr_pages, 0);\n',
          '\t\t\t\tpteval = get_and_clear_full_ptes(mm, address, pvmw.pte, nr_pages, 0);\n\t\t\t\t/* The batch may mix writable and read-only PTEs: restore read-only. */\n\t\t\t\tpteval = pte_wrprotect(pteval);\n',
        ],
      ]),
    },
    refactor: {
      subject: 'mm/rmap: shorten the lazyfree reference counters',
      edits: present(RMAP, 'try_to_unmap_one', [
        ['\t\t\t\tint ref_count, map_count;\n', '\t\t\t\tint refs, maps;\n'],
        ['\t\t\t\tref_count = folio_ref_count(folio);\n', '\t\t\t\trefs = folio_ref_count(folio);\n'],
        ['\t\t\t\tmap_count = folio_mapcount(folio);\n', '\t\t\t\tmaps = folio_mapcount(folio);\n'],
        ['if (ref_count == 1 + map_count &&', 'if (refs == 1 + maps &&'],
      ]),
    },
    expect: { rule: 'batch-merged-restore', fn: 'try_to_unmap_one' },
  },
  {
    id: 'b 6.12',
    shape: 'carry moved into a new helper, dropped on the swap path',
    version: '6.12',
    bug: {
      subject: 'mm/rmap: factor out the swap pte bit carry',
      edits: [
        { file: RMAP, find: 'static bool try_to_unmap_one(struct folio *folio, struct vm_area_struct *vma,\n', replace: SWP_CARRY_HELPER + 'static bool try_to_unmap_one(struct folio *folio, struct vm_area_struct *vma,\n' },
        ...present(RMAP, 'try_to_unmap_one', [
          ['\t\t\t\tif (pte_soft_dirty(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);\n', '\t\t\t\tswp_pte = swp_pte_carry_bits(pteval, swp_pte);\n'],
          ['\t\t\t\tif (pte_uffd_wp(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', ''],
          ['\t\t\t\tif (pte_swp_uffd_wp(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', ''],
        ]),
      ],
    },
    refactor: {
      subject: 'mm/rmap: factor out the present pte bit carry',
      edits: [
        { file: RMAP, find: 'static bool try_to_unmap_one(struct folio *folio, struct vm_area_struct *vma,\n', replace: SWP_CARRY_HELPER + 'static bool try_to_unmap_one(struct folio *folio, struct vm_area_struct *vma,\n' },
        ...present(RMAP, 'try_to_unmap_one', [
          ['\t\t\t\tif (pte_soft_dirty(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);\n', '\t\t\t\tswp_pte = swp_pte_carry_bits(pteval, swp_pte);\n'],
          ['\t\t\t\tif (pte_uffd_wp(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', ''],
        ]),
      ],
    },
    expect: { rule: UFFD, fn: 'try_to_unmap_one' },
  },
  {
    id: 'b 6.1',
    shape: 'carry moved into a new helper, dropped on the device-private path',
    version: '6.1',
    bug: {
      subject: 'mm/rmap: one helper for the migration pte bits',
      edits: [
        { file: RMAP, find: 'static bool try_to_migrate_one(struct folio *folio, struct vm_area_struct *vma,\n', replace: SWP_CARRY_HELPER + 'static bool try_to_migrate_one(struct folio *folio, struct vm_area_struct *vma,\n' },
        ...present(RMAP, 'try_to_migrate_one', [
          ['\t\t\tif (pte_swp_soft_dirty(pteval))\n\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);\n', '\t\t\tswp_pte = swp_pte_carry_bits(pteval, swp_pte);\n'],
          ['\t\t\tif (pte_swp_uffd_wp(pteval))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', ''],
          ['\t\t\tif (pte_soft_dirty(pteval))\n\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);\n', '\t\t\tswp_pte = swp_pte_carry_bits(pteval, swp_pte);\n'],
          ['\t\t\tif (pte_uffd_wp(pteval))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', ''],
        ]),
      ],
    },
    refactor: {
      subject: 'mm/rmap: factor out the migration pte bit carry',
      edits: [
        { file: RMAP, find: 'static bool try_to_migrate_one(struct folio *folio, struct vm_area_struct *vma,\n', replace: SWP_CARRY_HELPER + 'static bool try_to_migrate_one(struct folio *folio, struct vm_area_struct *vma,\n' },
        ...present(RMAP, 'try_to_migrate_one', [
          ['\t\t\tif (pte_soft_dirty(pteval))\n\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);\n', '\t\t\tswp_pte = swp_pte_carry_bits(pteval, swp_pte);\n'],
          ['\t\t\tif (pte_uffd_wp(pteval))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);\n', ''],
        ]),
      ],
    },
    expect: { rule: UFFD, fn: 'try_to_migrate_one' },
  },
  {
    id: 'c 6.12',
    shape: 'guard above the first hunk',
    version: '6.12',
    bug: {
      subject: 'mm/memory: simplify the fork copy of migration entries',
      edits: present(MEMORY, 'copy_nonpresent_pte', [
        ['\t\t/* Mark the swap entry as shared. */\n', '\t\t/* Mark the swap entry as shared: parent and child map it now. */\n'],
        ['\t\t\tif (pte_swp_uffd_wp(orig_pte))\n\t\t\t\tpte = pte_swp_mkuffd_wp(pte);\n', ''],
      ]),
    },
    refactor: {
      subject: 'mm/memory: reflow the fork copy of migration entries',
      edits: present(MEMORY, 'copy_nonpresent_pte', [
        ['\t\t/* Mark the swap entry as shared. */\n', '\t\t/* Mark the swap entry as shared: parent and child map it now. */\n'],
        ['\t\t\tentry = make_readable_migration_entry(\n\t\t\t\t\t\t\tswp_offset(entry));\n', '\t\t\tentry = make_readable_migration_entry(swp_offset(entry));\n'],
      ]),
    },
    expect: { rule: UFFD, fn: 'copy_nonpresent_pte' },
  },
  {
    id: 'c 6.1',
    shape: 'guard above the first hunk',
    version: '6.1',
    bug: {
      subject: 'mm/memory: simplify the fork copy of migration entries',
      edits: present(MEMORY, 'copy_nonpresent_pte', [
        ['\t\t/* Mark the swap entry as shared. */\n', '\t\t/* Mark the swap entry as shared: parent and child map it now. */\n'],
        ['\t\t\tif (pte_swp_uffd_wp(*src_pte))\n\t\t\t\tpte = pte_swp_mkuffd_wp(pte);\n', ''],
      ]),
    },
    refactor: {
      subject: 'mm/memory: reflow the fork copy of migration entries',
      edits: present(MEMORY, 'copy_nonpresent_pte', [
        ['\t\t/* Mark the swap entry as shared. */\n', '\t\t/* Mark the swap entry as shared: parent and child map it now. */\n'],
        ['\t\t\tentry = make_readable_migration_entry(\n\t\t\t\t\t\t\tswp_offset(entry));\n', '\t\t\tentry = make_readable_migration_entry(swp_offset(entry));\n'],
      ]),
    },
    expect: { rule: UFFD, fn: 'copy_nonpresent_pte' },
  },
  {
    id: 'd 6.12',
    shape: "helper's batch flags changed, no caller in the diff",
    version: '6.12',
    prep: {
      subject: 'mm/memory: factor out the fork batch flags',
      edits: [
        { file: MEMORY, find: 'static inline int\ncopy_present_ptes(', replace: BATCH_FLAGS_HELPER + 'static inline int\ncopy_present_ptes(' },
        ...present(MEMORY, 'copy_present_ptes', [
          ['\t\tif (src_vma->vm_flags & VM_SHARED)\n\t\t\tflags |= FPB_IGNORE_DIRTY;\n', ''],
          ['\t\tif (!vma_soft_dirty_enabled(src_vma))\n\t\t\tflags |= FPB_IGNORE_SOFT_DIRTY;\n', '\t\tflags = copy_pte_batch_flags(src_vma);\n'],
        ]),
      ],
    },
    bug: {
      subject: 'mm/memory: test VM_SOFTDIRTY directly in the fork batch flags',
      edits: present(MEMORY, 'copy_pte_batch_flags', [['\tif (!vma_soft_dirty_enabled(src_vma))\n', '\tif (!(src_vma->vm_flags & VM_SOFTDIRTY))\n']]),
    },
    refactor: {
      subject: 'mm/memory: name the fork batch flags helper argument vma',
      edits: present(MEMORY, 'copy_pte_batch_flags', [
        ['static inline fpb_t copy_pte_batch_flags(struct vm_area_struct *src_vma)\n', 'static inline fpb_t copy_pte_batch_flags(struct vm_area_struct *vma)\n'],
        ['\tif (src_vma->vm_flags & VM_SHARED)\n', '\tif (vma->vm_flags & VM_SHARED)\n'],
        ['\tif (!vma_soft_dirty_enabled(src_vma))\n', '\tif (!vma_soft_dirty_enabled(vma))\n'],
      ]),
    },
    expect: { rule: 'softdirty-tracking-predicate', fn: 'copy_pte_batch_flags' },
  },
  {
    id: 'e 6.12',
    shape: 'rewrite that moves a flagged expression',
    version: '6.12',
    bug: {
      subject: 'mm/hugetlb: build the new pte after the rmap is set up',
      edits: present(HUGETLB, 'hugetlb_install_folio', [
        ['\tpte_t newpte = make_huge_pte(vma, &new_folio->page, 1);\n', '\tpte_t newpte;\n'],
        ['\thugetlb_add_new_anon_rmap(new_folio, vma, addr);\n', '\thugetlb_add_new_anon_rmap(new_folio, vma, addr);\n\tnewpte = make_huge_pte(vma, &new_folio->page, 1);\n'],
      ]),
    },
    fix: {
      subject: 'mm/hugetlb: do not make the fork copy writable in a read-only VMA',
      edits: present(HUGETLB, 'hugetlb_install_folio', [
        ['\tnewpte = make_huge_pte(vma, &new_folio->page, 1);\n', '\tnewpte = make_huge_pte(vma, &new_folio->page, !!(vma->vm_flags & VM_WRITE));\n'],
      ]),
    },
    refactor: {
      subject: 'mm/hugetlb: name the huge page size argument',
      edits: present(HUGETLB, 'hugetlb_install_folio', [
        ['\t\t      struct folio *new_folio, pte_t old, unsigned long sz)\n', '\t\t      struct folio *new_folio, pte_t old, unsigned long size)\n'],
        ['\tset_huge_pte_at(vma->vm_mm, addr, ptep, newpte, sz);\n', '\tset_huge_pte_at(vma->vm_mm, addr, ptep, newpte, size);\n'],
      ]),
    },
    expect: 'unchanged',
  },
];
