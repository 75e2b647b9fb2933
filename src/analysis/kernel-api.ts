// The one table of kernel page-table APIs the value flow is driven by (DESIGN Part 2 §2, §5.4).
// Rules never list API names themselves: they ask the facts layer about roles ("a write grant",
// "a write sanitizer"), and the role of a name lives here, with every spelling of 6.1, 6.12 and the
// later names seen on the list (softleaf_*, get_and_clear_ptes, folio_pte_batch_flags).

import { versionAtLeast, type KernelVersion } from '../kernel-version.js';

export type Level = 'pte' | 'pmd' | 'pud' | 'huge' | 'swp';

/** What a call does to the page-table value it is given (or builds). */
export type Effect =
  /** sets the write bit of its first argument (§2.1) */
  | 'grant'
  /** grant only if the VMA has VM_WRITE: maybe_mkwrite & co. */
  | 'grantVma'
  /** builds a swap entry whose *type* is writable (make_writable_migration_entry) */
  | 'grantEntry'
  /** clears the write bit (§2.2) */
  | 'wrprotect'
  /** sets uffd-wp; clears write too where `mkuffd_wp_clears_write` (6.5+) */
  | 'setUffd'
  | 'clearUffd'
  | 'setSoftDirty'
  | 'clearSoftDirty'
  /** pte_mkdirty & co: D=1, and SD=1 on x86 (§1.2) */
  | 'mkdirty'
  /** any other transform of its first argument that keeps the bits this tool tracks */
  | 'keep'
  /** pte_modify(): write from the new protection, soft-dirty and uffd-wp kept */
  | 'modify'
  /** builds a new present entry from a page and a protection (mk_pte, pfn_pte, ...) */
  | 'construct'
  /** reads the current entry of a table slot (§2.8 sources) */
  | 'read'
  /** clears a batch of entries and returns one merged value (get_and_clear_*ptes) */
  | 'readMerged'
  /** decodes an entry into a swp_entry_t */
  | 'decode'
  /** encodes a swp_entry_t into an entry */
  | 'encode'
  /**
   * sizes a batch and updates the caller's entry (passed as `&pte`) with the batch's merged bits,
   * as its FPB_MERGE_* flags ask (2025+ folio_pte_batch_flags)
   */
  | 'mergeBatch';

export interface ApiEntry {
  name: string;
  effect: Effect;
  level?: Level;
  /** Index of the argument holding the value transformed (default 0). */
  valueArg?: number;
  /** Index of the slot (pointer) argument, for reads, merged reads and sinks. */
  slotArg?: number;
  /**
   * The kernels that spell it (documentation: every spelling is recognised in every version,
   * because a patch against an old tree may backport a newer name and names do not collide).
   */
  since?: [number, number];
  until?: [number, number];
}

const entries: ApiEntry[] = [];
function add(effect: Effect, names: string[], extra: Partial<ApiEntry> = {}): void {
  for (const name of names) entries.push({ name, effect, ...extra });
}

// §2.1 write grants. make_huge_pte(vma, page, writable) is handled as a conditional grant by the
// facts layer (its third argument decides), so it is a constructor here.
add('grant', ['pte_mkwrite', 'pte_mkwrite_novma', 'pte_mkwrite_shstk'], { level: 'pte' });
add('grant', ['pmd_mkwrite', 'pmd_mkwrite_novma', 'pmd_mkwrite_shstk'], { level: 'pmd' });
add('grant', ['pud_mkwrite'], { level: 'pud' });
add('grant', ['huge_pte_mkwrite'], { level: 'huge' });
add('grant', ['pte_mk_savedwrite'], { level: 'pte', until: [6, 3] });
add('grant', ['pmd_mk_savedwrite'], { level: 'pmd', until: [6, 3] });
add('grantVma', ['maybe_mkwrite'], { level: 'pte' });
add('grantVma', ['maybe_pmd_mkwrite'], { level: 'pmd' });
add('grantVma', ['maybe_pud_mkwrite'], { level: 'pud' });
add('grantEntry', [
  'make_writable_migration_entry',
  'make_writable_device_private_entry',
  'make_writable_device_exclusive_entry',
  'softleaf_make_writable_migration',
  'leafent_make_writable_migration',
], { level: 'swp' });

// §2.2 write removal. The *_mkuffd_wp family is listed under setUffd; whether it also removes
// write depends on the kernel version (mkuffdWpClearsWrite below).
add('wrprotect', ['pte_wrprotect', 'pte_clear_savedwrite'], { level: 'pte' });
add('wrprotect', ['pmd_wrprotect', 'pmd_clear_savedwrite'], { level: 'pmd' });
add('wrprotect', ['pud_wrprotect'], { level: 'pud' });
add('wrprotect', ['huge_pte_wrprotect'], { level: 'huge' });
add('wrprotect', [
  'make_readable_migration_entry',
  'make_readable_exclusive_migration_entry',
  'make_readable_device_private_entry',
  'make_readable_device_exclusive_entry',
], { level: 'swp' });

// §2.5 uffd-wp
add('setUffd', ['pte_mkuffd_wp'], { level: 'pte' });
add('setUffd', ['pmd_mkuffd_wp'], { level: 'pmd' });
add('setUffd', ['huge_pte_mkuffd_wp'], { level: 'huge' });
add('setUffd', ['pte_swp_mkuffd_wp', 'pmd_swp_mkuffd_wp'], { level: 'swp' });
add('clearUffd', ['pte_clear_uffd_wp', 'pmd_clear_uffd_wp', 'huge_pte_clear_uffd_wp',
  'pte_swp_clear_uffd_wp', 'pmd_swp_clear_uffd_wp', 'clear_uffd_wp_pmd']);

// §2.6 soft-dirty
add('setSoftDirty', ['pte_mksoft_dirty', 'pmd_mksoft_dirty', 'pud_mksoft_dirty',
  'pte_swp_mksoft_dirty', 'pmd_swp_mksoft_dirty', 'move_soft_dirty_pte', 'move_soft_dirty_pmd']);
add('clearSoftDirty', ['pte_clear_soft_dirty', 'pmd_clear_soft_dirty', 'pud_clear_soft_dirty',
  'pte_swp_clear_soft_dirty', 'pmd_swp_clear_soft_dirty']);
add('mkdirty', ['pte_mkdirty', 'pmd_mkdirty', 'pud_mkdirty', 'huge_pte_mkdirty']);

// Transforms that keep write, uffd-wp and soft-dirty as they are.
add('keep', [
  'pte_mkold', 'pte_mkyoung', 'pte_sw_mkyoung', 'pte_mkclean', 'pte_mkspecial', 'pte_mkhuge', 'pte_mkdevmap',
  'pmd_mkold', 'pmd_mkyoung', 'pmd_mkclean', 'pmd_mkhuge', 'pmd_mkdevmap', 'pmd_mkinvalid',
  'pud_mkold', 'pud_mkyoung', 'pud_mkclean', 'pud_mkhuge', 'pud_mkdevmap',
  'huge_pte_mkold', 'huge_pte_mkyoung', 'arch_make_huge_pte', 'pte_advance_pfn', 'move_pte',
  'pte_swp_mkexclusive', 'pte_swp_clear_exclusive', 'pte_move_swp_offset', 'pte_next_swp_offset',
  'READ_ONCE', 'make_migration_entry_young', 'make_migration_entry_dirty',
]);
// pte_modify(old, newprot) keeps soft-dirty and uffd-wp (_PAGE_CHG_MASK) but takes the write bit
// from the new protection (§1.2): whatever write bit the old value had, merged or not, is gone,
// and the result is writable exactly when newprot is.
add('modify', ['pte_modify', 'pmd_modify', 'huge_pte_modify']);

add('construct', ['mk_pte', 'mk_huge_pte', 'mk_huge_pmd', 'pfn_pte', 'pfn_pmd', 'pfn_pud',
  'folio_mk_pte', 'folio_mk_pmd', 'make_huge_pte', 'swp_entry_to_pte_marker']);

// §2.8 sources. slotArg: where the table slot is named.
add('read', ['ptep_get', 'ptep_get_lockless', 'pmdp_get', 'pmdp_get_lockless', 'pudp_get',
  'pmd_read_atomic'], { slotArg: 0 });
add('read', ['huge_ptep_get'], { slotArg: -1 });
add('read', ['ptep_get_and_clear', 'ptep_clear_flush', 'pmdp_invalidate', 'pmdp_invalidate_ad',
  'pmdp_huge_clear_flush', 'pmdp_huge_get_and_clear', 'pmdp_collapse_flush',
  'pudp_huge_get_and_clear', 'ptep_modify_prot_start', 'huge_ptep_modify_prot_start',
  'huge_ptep_clear_flush', 'ptep_get_and_clear_full', 'pmdp_huge_get_and_clear_full',
  'huge_ptep_get_and_clear'], { slotArg: 2 });
add('readMerged', ['get_and_clear_full_ptes'], { slotArg: 2, since: [6, 9] });
add('readMerged', ['get_and_clear_ptes'], { slotArg: 2, since: [6, 16] });
// mprotect batching (6.17+): clears nr entries and returns the first with the batch's a/d merged.
add('readMerged', ['modify_prot_start_ptes'], { slotArg: 2, since: [6, 17] });
add('decode', ['pte_to_swp_entry', 'pmd_to_swp_entry', 'softleaf_from_pte', 'softleaf_from_pmd',
  'leafent_from_pte', 'leafent_from_pmd']);
add('encode', ['swp_entry_to_pte', 'swp_entry_to_pmd', 'softleaf_to_pte', 'leafent_to_pte',
  'make_pte_marker']);

add('mergeBatch', ['folio_pte_batch_flags'], { valueArg: 3, since: [6, 16] });

const byName = new Map<string, ApiEntry>();
for (const e of entries) byName.set(e.name, e);

/** The table entry for a function name, or undefined if the name plays no role here. */
export function apiOf(name: string): ApiEntry | undefined {
  return byName.get(name);
}

/**
 * Installers (§2.8 sinks): name -> index of the value argument. `set_huge_pte_at` has 4 arguments in
 * 6.1 and 5 in 6.12; the value is the 4th in both. `ptep_modify_prot_commit(vma, addr, ptep, old, new)`.
 * The last field says where the entry count is for batch installers.
 */
export const SINKS: ReadonlyMap<string, { valueArg: number; slotArg: number; countArg?: number }> = new Map([
  ['set_pte_at', { valueArg: 3, slotArg: 2 }],
  // 6.1 (removed in 6.9): set_pte_at() after the mmu notifier; ksm replace_page(), wp_page_copy().
  ['set_pte_at_notify', { valueArg: 3, slotArg: 2 }],
  ['set_ptes', { valueArg: 3, slotArg: 2, countArg: 4 }],
  ['set_pmd_at', { valueArg: 3, slotArg: 2 }],
  ['set_pud_at', { valueArg: 3, slotArg: 2 }],
  ['set_huge_pte_at', { valueArg: 3, slotArg: 2 }],
  ['ptep_modify_prot_commit', { valueArg: 4, slotArg: 2 }],
  ['modify_prot_commit_ptes', { valueArg: 4, slotArg: 2, countArg: 5 }],
  ['huge_ptep_modify_prot_commit', { valueArg: 4, slotArg: 2 }],
  ['ptep_set_access_flags', { valueArg: 3, slotArg: 2 }],
  ['pmdp_set_access_flags', { valueArg: 3, slotArg: 2 }],
  ['huge_ptep_set_access_flags', { valueArg: 3, slotArg: 2 }],
]);

/** §2.3 predicates whose truth means "the source entry was writable" (guard G1). */
const PRESENT_WRITE_PREDICATES = ['pte_write', 'pmd_write', 'pud_write', 'huge_pte_write', 'pte_savedwrite', 'pmd_savedwrite'];
export const SOURCE_WRITE_PREDICATES = new Set([
  ...PRESENT_WRITE_PREDICATES,
  'is_writable_migration_entry', 'is_writable_device_private_entry',
  'is_writable_device_exclusive_entry', 'softleaf_is_migration_write', 'leafent_is_migration_write',
  'softleaf_is_device_private_write', 'softleaf_is_device_exclusive_write',
  // Before 5.14 (4dd845b5a3e5 "mm/swapops: rework swap entry manipulation code").
  'is_write_migration_entry', 'is_write_device_private_entry',
]);

/** Identifiers and macros that carry a source's write state (out-params, flag bits). */
export const SOURCE_WRITE_CARRIERS = new Set(['MIGRATE_PFN_WRITE', 'any_writable']);

/** §2.4 complete write-upgrade predicates (guard G2). */
export const UPGRADE_PREDICATES = new Set([
  'can_change_pte_writable', 'can_change_pmd_writable', 'can_follow_write_pte',
  'can_follow_write_pmd', 'can_change_pud_writable',
]);

/** The two halves of do_swap_page's inline upgrade conjunction, each required negated. */
export const UFFD_WP_UPGRADE_BLOCKERS = new Set(['userfaultfd_pte_wp', 'userfaultfd_huge_pmd_wp']);
export const SOFT_DIRTY_UPGRADE_BLOCKERS = new Set(['pte_needs_soft_dirty_wp', 'pmd_needs_soft_dirty_wp']);

/** Predicates whose truth means the tested entry carries uffd-wp (§2.5). */
export const UFFD_WP_PREDICATES = new Set([
  'pte_uffd_wp', 'pmd_uffd_wp', 'huge_pte_uffd_wp', 'pte_swp_uffd_wp', 'pmd_swp_uffd_wp',
  'pte_swp_uffd_wp_any', 'pte_marker_uffd_wp', 'pte_marker_entry_uffd_wp', 'userfaultfd_pte_wp',
  'userfaultfd_huge_pmd_wp', 'vmf_orig_pte_uffd_wp', 'softleaf_is_uffd_wp_marker',
]);

/** Request flags that mean "install write-protected for userfaultfd" (R2 sources of U). */
export const UFFD_WP_REQUEST_FLAGS = new Set(['MM_CP_UFFD_WP', 'MFILL_ATOMIC_WP', 'UFFDIO_COPY_MODE_WP']);

/** Functions that map a page they just allocated or that is known exclusive (guard G4). */
export const FRESH_PAGE_MAPPERS = new Set([
  'folio_add_new_anon_rmap', 'page_add_new_anon_rmap', 'hugetlb_add_new_anon_rmap',
  'hugepage_add_new_anon_rmap', 'vma_alloc_folio', 'vma_alloc_zeroed_movable_folio',
  'alloc_anon_folio', 'folio_prealloc', 'alloc_hugetlb_folio', 'alloc_page_vma',
]);

/**
 * Write-fault handlers (§9 A5: G3 is function-level for these). They are only entered for a write
 * (or unshare) fault on a present entry, which is what justifies their grant; their own assertion
 * VM_BUG_ON(!(vmf->flags & FAULT_FLAG_WRITE)) is not a guard (§5.2).
 */
export const WRITE_FAULT_HANDLERS = new Set([
  'do_wp_page', 'wp_page_reuse', 'wp_page_shared', 'wp_pfn_shared', 'hugetlb_wp',
  'do_huge_pmd_wp_page', 'do_huge_pud_wp_page', 'wp_huge_pmd', 'wp_huge_pud',
]);

/**
 * Helpers whose grant is checked at their callers, not inside (§9 A6): set_huge_ptep_writable()
 * makes *ptep writable by contract; its callers (hugetlb_wp) hold the justification.
 */
export const GRANT_CHECKED_AT_CALLERS = new Set(['set_huge_ptep_writable']);

/** Batch-size helpers (§3.F): the flags argument index, where the write/soft-dirty policy is set. */
export const BATCH_BUILDERS: ReadonlyMap<string, { flagsArg: number; respectByDefault: boolean }> = new Map([
  // 6.9-6.15: folio_pte_batch(folio, addr, start_ptep, pte, max_nr, flags, &any_writable, ...)
  // always ignores the write bit (__pte_batch_clear_ignored drops it).
  // 2025+: folio_pte_batch(folio, ptep, pte, max_nr) ignores W and SD; folio_pte_batch_flags()
  // respects what FPB_RESPECT_* asks.
  ['folio_pte_batch', { flagsArg: 5, respectByDefault: false }],
  ['folio_pte_batch_flags', { flagsArg: 5, respectByDefault: false }],
]);

/** Does *_mkuffd_wp clear the write bit in this kernel? (f1eb1bacfba9, v6.5; §1.2) */
export function mkuffdWpClearsWrite(version: KernelVersion): boolean {
  return versionAtLeast(version, 6, 5);
}

// Entry kinds (§1.1, R6): which accessors read or set bits of a present entry and which of a
// non-present (swap, migration, device, marker) one. On x86 the two bit sets alias (§1.2:
// _PAGE_SWP_SOFT_DIRTY == _PAGE_RW, _PAGE_SWP_UFFD_WP == _PAGE_USER), so using the wrong family
// silently reads or sets an unrelated bit. Used by src/analysis/entry-kind.ts.

export type EntryKind = 'present' | 'swap';

/** Accessors (readers and setters) that are only meaningful on a present entry. */
export const PRESENT_ONLY_ACCESSORS = new Set([
  'pte_write', 'pte_dirty', 'pte_young', 'pte_soft_dirty', 'pte_uffd_wp', 'pte_pfn', 'pte_savedwrite',
  'pte_mkwrite', 'pte_mkwrite_novma', 'pte_mkwrite_shstk', 'pte_mkdirty', 'pte_mkclean', 'pte_mkyoung',
  'pte_mkold', 'pte_mkuffd_wp', 'pte_mksoft_dirty', 'pte_mkspecial', 'pte_mkhuge', 'pte_mkdevmap',
  'pte_mk_savedwrite', 'pte_clear_uffd_wp', 'pte_clear_soft_dirty', 'pte_clear_savedwrite', 'pte_wrprotect',
  'pmd_write', 'pmd_dirty', 'pmd_young', 'pmd_soft_dirty', 'pmd_uffd_wp', 'pmd_pfn', 'pmd_savedwrite',
  'pmd_mkwrite', 'pmd_mkwrite_novma', 'pmd_mkwrite_shstk', 'pmd_mkdirty', 'pmd_mkclean', 'pmd_mkyoung',
  'pmd_mkold', 'pmd_mkuffd_wp', 'pmd_mksoft_dirty', 'pmd_mkhuge', 'pmd_mkdevmap', 'pmd_mk_savedwrite',
  'pmd_clear_uffd_wp', 'pmd_clear_soft_dirty', 'pmd_clear_savedwrite', 'pmd_wrprotect',
  // hugetlb wrappers of the same bits (a hugetlb migration entry needs pte_swp_*)
  'huge_pte_write', 'huge_pte_dirty', 'huge_pte_uffd_wp', 'huge_pte_mkwrite', 'huge_pte_mkdirty',
  'huge_pte_mkuffd_wp', 'huge_pte_clear_uffd_wp', 'huge_pte_wrprotect',
]);

/**
 * Accessors only meaningful on a non-present entry. Not `pte_swp_uffd_wp_any` (swap bit *or*
 * uffd-wp marker, valid on any kind), nor helpers that test the kind themselves
 * (`move_soft_dirty_pte`, `clear_uffd_wp_pmd`, `pte_install_uffd_wp_if_needed`).
 */
export const SWAP_ONLY_ACCESSORS = new Set([
  'pte_swp_soft_dirty', 'pte_swp_mksoft_dirty', 'pte_swp_clear_soft_dirty', 'pte_swp_uffd_wp',
  'pte_swp_mkuffd_wp', 'pte_swp_clear_uffd_wp', 'pte_swp_exclusive', 'pte_swp_mkexclusive',
  'pte_swp_clear_exclusive', 'pmd_swp_soft_dirty', 'pmd_swp_mksoft_dirty', 'pmd_swp_clear_soft_dirty',
  'pmd_swp_uffd_wp', 'pmd_swp_mkuffd_wp', 'pmd_swp_clear_uffd_wp', 'pmd_swp_exclusive',
  'pmd_swp_mkexclusive', 'pmd_swp_clear_exclusive',
]);

/** Calls returning a new present entry (besides the present-only setters above). */
export const PRESENT_ENTRY_BUILDERS = new Set([
  'mk_pte', 'pfn_pte', 'mk_huge_pmd', 'pfn_pmd', 'mk_pmd', 'folio_mk_pte', 'folio_mk_pmd', 'make_huge_pte',
  'mk_huge_pte', 'pte_modify', 'pmd_modify',
]);

/** Calls returning a new non-present entry (besides the swap-only setters above). */
export const SWAP_ENTRY_BUILDERS = new Set([
  'swp_entry_to_pte', 'swp_entry_to_pmd', 'softleaf_to_pte', 'softleaf_to_pmd', 'leafent_to_pte',
  'leafent_to_pmd', 'make_pte_marker',
]);

/** Transforms whose result has the kind of their first argument (they test the kind themselves). */
export const KIND_PRESERVING = new Set([
  'move_soft_dirty_pte', 'move_soft_dirty_pmd', 'clear_uffd_wp_pmd', 'pte_advance_pfn', 'READ_ONCE',
  'arch_make_huge_pte', 'move_pte', 'pte_move_swp_offset', 'pte_next_swp_offset',
]);

/**
 * Decoders defined only on a non-present entry: applying one to a value types it non-present where
 * it dominates. Not softleaf_from_pte()/softleaf_from_pmd() (leafent_* in some postings): they
 * return softleaf_mk_none() for a present or none entry (include/linux/leafops.h), so the 2025+
 * idiom `entry = softleaf_from_pte(pte)` before any pte_present() test proves nothing.
 */
export const SWAP_ENTRY_DECODERS = new Set(['pte_to_swp_entry', 'pmd_to_swp_entry']);

/** Predicates on an entry: the kind it has when the predicate holds / fails. */
export const ENTRY_KIND_PREDICATES: ReadonlyMap<
  string,
  {
    whenTrue?: EntryKind;
    whenFalse?: EntryKind;
    /** The kind when it fails and an ENTRY_NONE_PREDICATES test of the same value failed too. */
    whenFalseAndNotNone?: EntryKind;
  }
> = new Map([
  ['pte_present', { whenTrue: 'present', whenFalse: 'swap' }],
  ['pmd_present', { whenTrue: 'present', whenFalse: 'swap' }],
  ['pmd_trans_huge', { whenTrue: 'present' }],
  ['pte_protnone', { whenTrue: 'present' }],
  ['pmd_protnone', { whenTrue: 'present' }],
  ['is_swap_pte', { whenTrue: 'swap', whenFalseAndNotNone: 'present' }],
  ['is_swap_pmd', { whenTrue: 'swap', whenFalseAndNotNone: 'present' }],
  ['is_pmd_migration_entry', { whenTrue: 'swap' }],
  ['is_hugetlb_entry_migration', { whenTrue: 'swap' }],
  ['is_hugetlb_entry_hwpoisoned', { whenTrue: 'swap' }],
  ['is_pte_marker', { whenTrue: 'swap' }],
  ['pte_marker_uffd_wp', { whenTrue: 'swap' }],
  // 2025+ leafops.h spellings
  ['pmd_is_migration_entry', { whenTrue: 'swap' }],
  ['pmd_is_device_private_entry', { whenTrue: 'swap' }],
  ['pmd_is_valid_softleaf', { whenTrue: 'swap' }],
  ['pmd_is_valid_leafent', { whenTrue: 'swap' }],
  ['pte_is_marker', { whenTrue: 'swap' }],
  ['pte_is_uffd_wp_marker', { whenTrue: 'swap' }],
  ['pte_is_uffd_marker', { whenTrue: 'swap' }],
]);

/** 2025+ leaf-entry decoders: defined on any entry, they return a none leaf for present/none ones. */
export const LEAF_ENTRY_DECODERS = new Set(['softleaf_from_pte', 'softleaf_from_pmd', 'leafent_from_pte', 'leafent_from_pmd']);

/**
 * Leaf-entry predicates that hold only for a real (non-none) leaf, i.e. a non-present entry:
 * softleaf_is_swap/_migration/_device_private/_marker/_hwpoison..., softleaf_has_pfn.
 */
export const LEAF_ENTRY_PREDICATE = /^(?:softleaf|leafent)_(?:is|has)_(?!none$)\w+$/;

/** Leaf-entry predicates that hold for a none leaf (present or empty entry). */
export const LEAF_ENTRY_NONE_PREDICATES = new Set(['softleaf_is_none', 'leafent_is_none']);

/** Predicates meaning "the slot is empty": neither present nor a swap entry. */
export const ENTRY_NONE_PREDICATES = new Set(['pte_none', 'pmd_none', 'huge_pte_none']);

/**
 * Predicates on a folio/page meaning "device-private": its PTE is a device-private swap entry, but
 * only inside the branch and only for entries read before it (§9 A15: never backwards).
 */
export const DEVICE_PRIVATE_PREDICATES = new Set(['folio_is_device_private', 'is_device_private_page']);
/**
 * Device-page tests that select device-private entries only in older kernels: before 6.0 added
 * MEMORY_DEVICE_COHERENT, a ZONE_DEVICE page that rmap unmaps or migrates was device-private (5.x
 * try_to_unmap_one()/try_to_migrate_one(): `if (is_zone_device_page(page))`, ad7df764b7e1).
 * The value is the first kernel in which the test no longer means device-private.
 */
export const LEGACY_DEVICE_PRIVATE_PREDICATES = new Map<string, { until: [number, number] }>([
  ['is_zone_device_page', { until: [6, 0] }],
  ['folio_is_zone_device', { until: [6, 0] }],
]);

/** Fault handlers entered only for a non-present `vmf->orig_pte` (until they reassign it). */
export const SWAP_FAULT_HANDLERS = new Set(['do_swap_page']);

// §2.7 exclusivity (PG_anon_exclusive): roles used by src/analysis/exclusivity.ts (R9, R10, R10b).

/**
 * Share-before-unmap: returns 0 when PG_anon_exclusive was cleared, -EBUSY when the page may be
 * pinned (then the caller must restore the entry and give up). 6.1 page_try_share_anon_rmap.
 */
export const ANON_RMAP_TRY_SHARE = new Set([
  'folio_try_share_anon_rmap_pte', 'folio_try_share_anon_rmap_pmd', 'hugetlb_try_share_anon_rmap',
  'page_try_share_anon_rmap', 'folio_try_share_anon_rmap_ptes',
]);

/** Duplicate-on-fork: fails when the page may be pinned (then fork copies or splits instead). */
export const ANON_RMAP_TRY_DUP = new Set([
  'folio_try_dup_anon_rmap_pte', 'folio_try_dup_anon_rmap_ptes', 'folio_try_dup_anon_rmap_pmd',
  'hugetlb_try_dup_anon_rmap', 'page_try_dup_anon_rmap',
]);


/** Encoders that put PG_anon_exclusive into a non-present entry (swap bit or migration type). */
export const EXCLUSIVITY_ENCODERS = new Set([
  'pte_swp_mkexclusive', 'pmd_swp_mkexclusive', 'make_readable_exclusive_migration_entry',
  'softleaf_make_readable_exclusive_migration', 'leafent_make_readable_exclusive_migration',
]);

/** Builders of entries that carry no bits at all (§9 A10: poison replacement is exempt). */
export const POISON_ENTRY_BUILDERS = new Set([
  'make_hwpoison_entry', 'make_poisoned_swp_entry', 'make_swapin_error_entry',
]);

/** Marks a page exclusive directly (R9 sink besides RMAP_EXCLUSIVE). */
export const ANON_EXCLUSIVE_SETTERS = new Set(['SetPageAnonExclusive']);

/**
 * Predicates whose truth derives exclusivity from the entry or the page being mapped (R9
 * provenance): the swp bit, the migration entry type (writable entries are exclusive), the page
 * flag of a present mapping being split, the reuse checks of the write-fault path.
 */
export const EXCLUSIVITY_PROVENANCE_TRUE = new Set([
  'pte_swp_exclusive', 'pmd_swp_exclusive', 'is_readable_exclusive_migration_entry',
  'is_writable_migration_entry', 'softleaf_is_migration_read_exclusive', 'softleaf_is_migration_write',
  'leafent_is_migration_read_exclusive', 'leafent_is_migration_write', 'PageAnonExclusive',
  'folio_test_anon_exclusive', 'wp_can_reuse_anon_folio',
]);

/** `!is_readable_migration_entry(e)`: writable or readable-exclusive (§2.3 note). */
export const EXCLUSIVITY_PROVENANCE_FALSE = new Set(['is_readable_migration_entry', 'softleaf_is_migration_read', 'leafent_is_migration_read']);

/** Predicates that name a swap/migration entry: their presence puts a function in R9's scope. */
export const SWAP_ENTRY_PREDICATES = new Set([
  'pte_swp_exclusive', 'is_swap_pte', 'is_migration_entry', 'is_pmd_migration_entry',
  'is_readable_migration_entry', 'is_writable_migration_entry', 'is_readable_exclusive_migration_entry',
  'is_device_exclusive_entry', 'is_device_private_entry', 'is_write_migration_entry', 'is_write_device_private_entry',
]);

// Write-upgrade predicates (R12, DESIGN §2.4, §4 R12, §9 A2): functions that decide whether an
// entry may be made writable without a write fault, and the checks each return-true path needs.

/** Is this function a write-upgrade predicate (can_change_pte_writable, can_follow_write_pte, ...)? */
export function isWriteUpgradePredicate(name: string): boolean {
  // Not GUP's shared half can_follow_write_common() (2025+): a helper of the pte/pmd predicates.
  return UPGRADE_PREDICATES.has(name) || /^can_\w*writable\w*$/.test(name) || /^can_follow_write_(?:pte|pmd|pud)\w*$/.test(name);
}

/**
 * GUP's predicates (can_follow_write_pte/pmd): their callers test protnone before (6.12
 * mm/gup.c follow_page_pte, follow_huge_pmd), so the predicate itself need not (§9 A2).
 */
export function upgradePredicateChecksProtnone(name: string): boolean {
  return !/^can_follow_write_/.test(name);
}

/** NUMA-hinting entries: never upgrade them (mprotect/NUMA predicates, §3.D). */
export const PROTNONE_PREDICATES = new Set(['pte_protnone', 'pmd_protnone', 'pud_protnone']);

/** The entry's hardware dirty bit: a shared mapping was write-notified (can_change_pte_writable). */
export const ENTRY_DIRTY_PREDICATES = new Set(['pte_dirty', 'pmd_dirty', 'pud_dirty', 'huge_pte_dirty']);

/** "Soft-dirty tracking is active for this VMA" (6.0+ spelling; a raw VM_SOFTDIRTY test is inverted, 76aefad628aa). */
export const SOFT_DIRTY_TRACKING_PREDICATES = new Set(['vma_soft_dirty_enabled']);

/** The present entry's soft-dirty bit (already soft-dirty: no write fault needed for tracking). */
export const ENTRY_SOFT_DIRTY_PREDICATES = new Set(['pte_soft_dirty', 'pmd_soft_dirty', 'pud_soft_dirty']);

/** "This VMA is registered for uffd-wp": false means no entry of it can need a uffd-wp fault. */
export const UFFD_WP_VMA_PREDICATES = new Set(['userfaultfd_wp']);

// Legacy architectures (R15, DESIGN §1.2 sparc64 row, §7 rows 11-12): *_mkdirty may set the
// hardware write bit there (6.1 sparc64; loongarch before bf2f34a506e6).

/**
 * Can *_mkdirty() set the write bit in this tree? Yes in legacy-arch mode (`--legacy-arch`), and
 * in trees older than 6.5 whatever the mode: their sparc64 (6.1 still has it; the generic
 * `else *_wrprotect()` of 96a9c287e25d was reverted in v6.4 after the arch fix) or loongarch
 * (before bf2f34a506e6, 2023) helpers do it. From 6.5 on no architecture does.
 */
export function mkdirtyMaySetWrite(version: KernelVersion, legacyArch: boolean): boolean {
  return legacyArch || !versionAtLeast(version, 6, 5);
}

/**
 * Predicates on a migration / device entry's *type* whose truth means "the entry is writable"
 * (§1.1: write is the entry type). Their negation marks a restore of a read-only entry (R15).
 */
export const ENTRY_TYPE_WRITE_PREDICATES = new Set(
  [...SOURCE_WRITE_PREDICATES].filter((name) => !PRESENT_WRITE_PREDICATES.includes(name)),
);

/** Predicates whose truth means the entry's type is read-only (READ or READ_EXCLUSIVE). */
export const ENTRY_TYPE_READONLY_PREDICATES = new Set([
  'is_readable_migration_entry', 'is_readable_exclusive_migration_entry',
  'softleaf_is_migration_read', 'softleaf_is_migration_read_exclusive',
]);

// Fork copy (R7, R8; DESIGN §3.C, §3.E, §5.3): in-place operations on the parent's table slot and
// the value operations that make an entry shareable between parent and child. Used by
// src/analysis/fork-copy.ts.

/**
 * In-place write-protect of the entry (or `nr` entries) behind a slot pointer: R7's source-side
 * sanitizers. They act on the parent's slot, not on a value (§5.3).
 */
export const IN_PLACE_WRPROTECT: ReadonlyMap<string, { slotArg: number; countArg?: number }> = new Map([
  ['ptep_set_wrprotect', { slotArg: 2 }],
  ['wrprotect_ptes', { slotArg: 2, countArg: 3 }],
  ['pmdp_set_wrprotect', { slotArg: 2 }],
  ['pudp_set_wrprotect', { slotArg: 2 }],
  ['huge_ptep_set_wrprotect', { slotArg: 2 }],
]);

/** Clear the anon-exclusive bit of a swap entry value (§2.7): the page becomes shared. */
export const SWP_EXCLUSIVE_CLEARS = new Set(['pte_swp_clear_exclusive', 'pmd_swp_clear_exclusive']);

/** "This swap entry claims PG_anon_exclusive" (the swp bit, §2.7). */
export const SWP_EXCLUSIVE_PREDICATES = new Set(['pte_swp_exclusive', 'pmd_swp_exclusive']);

/**
 * Entry types of migration and device-private entries (§1.1: write and exclusivity are the
 * type): R = readable (shared), RX = readable-exclusive, W = writable (exclusive).
 */
export type SwapEntryType = 'R' | 'RX' | 'W';
export type SwapEntryFamily = 'migration' | 'devicePrivate';

/** Makers of a shared (plain readable) entry: what fork must leave in parent and child. */
export const SHARED_ENTRY_MAKERS: ReadonlyMap<string, SwapEntryFamily> = new Map([
  ['make_readable_migration_entry', 'migration'],
  ['softleaf_make_readable_migration', 'migration'],
  ['leafent_make_readable_migration', 'migration'],
  ['make_readable_device_private_entry', 'devicePrivate'],
]);

/** The types an entry family has; fork must turn every non-R type into R. */
export const SWAP_ENTRY_FAMILY_TYPES: ReadonlyMap<SwapEntryFamily, SwapEntryType[]> = new Map([
  ['migration', ['R', 'RX', 'W'] as SwapEntryType[]],
  ['devicePrivate', ['R', 'W'] as SwapEntryType[]],
]);

/**
 * Type predicates: the types for which each holds. `is_readable_migration_entry` is true for plain
 * READ only, so its negation covers WRITE *and* READ_EXCLUSIVE (6c287605fd56, seed 002).
 */
export const SWAP_ENTRY_TYPE_PREDICATES: ReadonlyMap<string, { family: SwapEntryFamily; holdsFor: SwapEntryType[] }> = new Map([
  ['is_readable_migration_entry', { family: 'migration', holdsFor: ['R'] as SwapEntryType[] }],
  ['softleaf_is_migration_read', { family: 'migration', holdsFor: ['R'] as SwapEntryType[] }],
  ['leafent_is_migration_read', { family: 'migration', holdsFor: ['R'] as SwapEntryType[] }],
  ['is_readable_exclusive_migration_entry', { family: 'migration', holdsFor: ['RX'] as SwapEntryType[] }],
  ['softleaf_is_migration_read_exclusive', { family: 'migration', holdsFor: ['RX'] as SwapEntryType[] }],
  ['leafent_is_migration_read_exclusive', { family: 'migration', holdsFor: ['RX'] as SwapEntryType[] }],
  ['is_writable_migration_entry', { family: 'migration', holdsFor: ['W'] as SwapEntryType[] }],
  ['softleaf_is_migration_write', { family: 'migration', holdsFor: ['W'] as SwapEntryType[] }],
  ['leafent_is_migration_write', { family: 'migration', holdsFor: ['W'] as SwapEntryType[] }],
  ['is_writable_device_private_entry', { family: 'devicePrivate', holdsFor: ['W'] as SwapEntryType[] }],
  ['is_write_migration_entry', { family: 'migration', holdsFor: ['W'] as SwapEntryType[] }],
  ['is_write_device_private_entry', { family: 'devicePrivate', holdsFor: ['W'] as SwapEntryType[] }],
  ['softleaf_is_device_private_write', { family: 'devicePrivate', holdsFor: ['W'] as SwapEntryType[] }],
]);

/** PFNMAP "special" entries: never anon, never COW-copied as pages (§9 A14 exemption). */
export const SPECIAL_ENTRY_PREDICATES = new Set(['pte_special', 'pmd_special', 'pud_special']);

// Bit transfer (R3 uffd-wp, R5 soft-dirty; src/analysis/bit-transfer.ts): which calls read the bits
// of an old entry, which only test whether a slot is empty, and which entries carry no bits at all.

/** Source predicates of soft-dirty (§2.6), present and swap spellings. */
export const SOFT_DIRTY_PREDICATES = new Set([
  'pte_soft_dirty', 'pmd_soft_dirty', 'pud_soft_dirty', 'pte_swp_soft_dirty', 'pmd_swp_soft_dirty',
  'huge_pte_soft_dirty',
]);

export interface BitSourceReader {
  /** Index of the argument holding the entry. */
  arg: number;
  kind: 'present' | 'swap' | 'marker';
  level: Level;
}
const bitReaders = new Map<string, BitSourceReader>();
function readers(kind: BitSourceReader['kind'], level: Level, names: string[], arg = 0): void {
  for (const n of names) bitReaders.set(n, { arg, kind, level });
}
readers('present', 'pte', ['pte_write', 'pte_dirty', 'pte_young', 'pte_soft_dirty', 'pte_uffd_wp', 'pte_pfn', 'pte_page',
  'pte_present', 'pte_protnone', 'pte_special', 'pte_devmap', 'pte_savedwrite']);
readers('present', 'pmd', ['pmd_write', 'pmd_dirty', 'pmd_young', 'pmd_soft_dirty', 'pmd_uffd_wp', 'pmd_pfn', 'pmd_page',
  'pmd_present', 'pmd_trans_huge', 'pmd_protnone', 'pmd_devmap', 'pmd_savedwrite']);
readers('present', 'pud', ['pud_write', 'pud_dirty', 'pud_young', 'pud_pfn', 'pud_trans_huge', 'pud_present']);
readers('present', 'huge', ['huge_pte_write', 'huge_pte_dirty', 'huge_pte_uffd_wp', 'huge_pte_soft_dirty']);
readers('present', 'pte', ['vm_normal_page', 'vm_normal_folio'], 2);
readers('present', 'pmd', ['vm_normal_page_pmd', 'vm_normal_folio_pmd'], 2);
readers('present', 'pte', ['userfaultfd_pte_wp'], 1);
readers('present', 'pmd', ['userfaultfd_huge_pmd_wp'], 1);
readers('swap', 'pte', ['pte_swp_soft_dirty', 'pte_swp_uffd_wp', 'pte_swp_exclusive', 'pte_swp_uffd_wp_any', 'is_swap_pte',
  'pte_to_swp_entry', 'softleaf_from_pte', 'leafent_from_pte']);
readers('swap', 'pmd', ['pmd_swp_soft_dirty', 'pmd_swp_uffd_wp', 'pmd_swp_exclusive', 'is_pmd_migration_entry', 'is_swap_pmd',
  'pmd_to_swp_entry', 'softleaf_from_pmd', 'leafent_from_pmd']);
readers('swap', 'huge', ['is_hugetlb_entry_migration', 'is_hugetlb_entry_hwpoisoned']);
readers('marker', 'pte', ['pte_marker_uffd_wp', 'is_pte_marker']);

/** Where an old entry's bits are read (or its kind tested): name -> the entry argument, kind, level. */
export const BIT_SOURCE_READERS: ReadonlyMap<string, BitSourceReader> = bitReaders;

/** Tests that only say whether a slot is empty or unchanged: they read no bits of the entry. */
export const ENTRY_EMPTY_TESTS = new Set(['pte_none', 'pmd_none', 'pud_none', 'huge_pte_none', 'huge_pte_none_mostly', 'pte_none_mostly']);

/** `pte_same(a, b)`: both name one entry (replace_page's orig_pte and the slot it re-reads). */
export const ENTRY_SAME_TESTS = new Set(['pte_same', 'pmd_same', 'pud_same']);

/** Uses showing that a PMD/PUD value points to a page table, not a leaf (khugepaged's collapse). */
export const TABLE_ENTRY_USES = new Set(['pmd_pgtable', 'pmd_page_vaddr', 'pud_pgtable', 'pmd_ptdesc']);

/** Reads that also clear the slot: the entry leaves that slot (replaced in place, or moved). */
export const CLEARING_READS = new Set([
  'ptep_get_and_clear', 'ptep_get_and_clear_full', 'ptep_clear_flush', 'pmdp_invalidate', 'pmdp_invalidate_ad',
  'pmdp_huge_clear_flush', 'pmdp_huge_get_and_clear', 'pmdp_huge_get_and_clear_full', 'pmdp_collapse_flush',
  'pudp_huge_get_and_clear', 'huge_ptep_clear_flush', 'huge_ptep_get_and_clear', 'get_and_clear_full_ptes',
  'get_and_clear_ptes',
]);

/**
 * Calls that clear or invalidate a present entry (the "clear PTE first" of try-share, R10): the
 * clearing reads of the PTE and PMD levels (anon-exclusive pages are shared per PTE or PMD, never
 * per PUD), the clears that return nothing after a ptep_get() (§9 E11), and mprotect's start.
 */
export const ENTRY_CLEARERS = new Set([
  ...[...CLEARING_READS].filter((name) => !name.startsWith('pud')),
  'pte_clear', 'pmd_clear', 'clear_full_ptes', 'ptep_modify_prot_start',
]);

/** Entries that carry no bits by design (§9 A10): poison replacement drops uffd-wp and soft-dirty. */
export const BITLESS_ENTRY_MAKERS = new Set([
  'make_hwpoison_entry', 'make_poisoned_swp_entry', 'make_swapin_error_entry', 'PTE_MARKER_POISONED',
  'PTE_MARKER_SWAPIN_ERROR', 'softleaf_make_hwpoison', 'leafent_make_hwpoison',
]);

/** The uffd-wp marker (a none entry carrying uffd-wp, §1.1). */
export const UFFD_WP_MARKER = 'PTE_MARKER_UFFD_WP';

/** Builders of device-private entries: soft-dirty is deliberately not kept on their rebuilds (§3.C). */
export const DEVICE_PRIVATE_ENTRY_MAKERS = new Set(['make_readable_device_private_entry', 'make_writable_device_private_entry']);

/** Tests that the entry (or its folio) is device-private. */
export const DEVICE_PRIVATE_ENTRY_TESTS = new Set([
  'is_device_private_entry', 'is_writable_device_private_entry', 'folio_is_device_private', 'is_device_private_page',
]);

/** Names of the shared zero page: replacing or moving it carries no soft-dirty (§9 A11). */
/** A protection of the kernel's own mappings: an entry built with it carries no user tracking bits. */
export const KERNEL_PROTECTION = /\b_{0,2}PAGE_KERNEL\w*|\b_KERNPG_TABLE\b/;

export const ZERO_PAGE_NAMES = new Set([
  'my_zero_pfn', 'is_zero_pfn', 'is_huge_zero_pmd', 'is_huge_zero_page', 'is_huge_zero_folio', 'is_zero_folio',
  'is_zero_page', 'ZERO_PAGE', 'zero_pfn', 'mm_get_huge_zero_folio', 'mm_get_huge_zero_page', 'huge_zero_folio',
  'huge_zero_page', 'is_huge_zero_pud',
]);

/** Helpers that install a uffd-wp marker for a zapped entry when it carried uffd-wp (§5.4). */
export const UFFD_WP_ZAP_INSTALLERS = new Set(['pte_install_uffd_wp_if_needed', 'zap_install_uffd_wp_if_needed']);

// uffd-wp on copies and moves into a VMA that must not carry it (R4, DESIGN §4 R4, §3.C-E, §5.4,
// §7 rows 20 and 22). Used by src/analysis/uffd-clearing.ts.

/** Entry kinds that can carry uffd-wp: present bit, swap/migration swp bit, or a uffd-wp marker. */
export type UffdCarrierKind = 'present' | 'swap' | 'marker';

/**
 * Clears of uffd-wp and the entry kinds each one clears. `clear_uffd_wp_pmd` (huge_memory.c) tests
 * the kind itself (§5.4). No swap-level clear touches a marker: its uffd-wp is the marker type.
 */
export const UFFD_WP_CLEAR_COVERAGE: ReadonlyMap<string, UffdCarrierKind[]> = new Map([
  ['pte_clear_uffd_wp', ['present'] as UffdCarrierKind[]],
  ['pmd_clear_uffd_wp', ['present'] as UffdCarrierKind[]],
  ['huge_pte_clear_uffd_wp', ['present'] as UffdCarrierKind[]],
  ['pte_swp_clear_uffd_wp', ['swap'] as UffdCarrierKind[]],
  ['pmd_swp_clear_uffd_wp', ['swap'] as UffdCarrierKind[]],
  ['clear_uffd_wp_pmd', ['present', 'swap'] as UffdCarrierKind[]],
]);

/** Marker copies that keep PTE_MARKER_UFFD_WP only for a registered destination (§5.4). */
export const UFFD_WP_MARKER_COPIERS = new Set(['copy_pte_marker']);

/**
 * Tests of the destination's uffd-wp registration, and their value when the destination must not
 * carry uffd-wp: `!userfaultfd_wp(dst_vma)` (fork), `vma_has_uffd_without_event_remap(vma)`
 * (mremap without UFFD_EVENT_REMAP, 0cef0bb836e3). `vmaArg` is where the VMA is named.
 */
export const UFFD_WP_REGISTRATION_TESTS: ReadonlyMap<string, { vmaArg: number; whenUnregistered: boolean }> = new Map([
  ['userfaultfd_wp', { vmaArg: 0, whenUnregistered: false }],
  ['userfaultfd_pte_wp', { vmaArg: 0, whenUnregistered: false }],
  ['userfaultfd_huge_pmd_wp', { vmaArg: 0, whenUnregistered: false }],
  ['userfaultfd_wp_use_markers', { vmaArg: 0, whenUnregistered: false }],
  ['vma_has_uffd_without_event_remap', { vmaArg: 0, whenUnregistered: true }],
]);

/**
 * Entry-kind tests for uffd-wp coverage: the kinds for which each can be true and can be false
 * ('marker' = a uffd-wp marker). `is_swap_pte` holds for markers too (they are swap-format);
 * hwpoison entries and PFNMAP special entries carry no uffd-wp at all (§9 A10, A14).
 */
export const UFFD_CARRIER_KIND_TESTS: ReadonlyMap<string, { canBeTrue: UffdCarrierKind[]; canBeFalse: UffdCarrierKind[] }> = new Map([
  ...['pte_present', 'pmd_present', 'pmd_trans_huge', 'pud_present'].map((n) =>
    [n, { canBeTrue: ['present'] as UffdCarrierKind[], canBeFalse: ['swap', 'marker'] as UffdCarrierKind[] }] as const),
  ...['is_swap_pte', 'is_swap_pmd'].map((n) =>
    [n, { canBeTrue: ['swap', 'marker'] as UffdCarrierKind[], canBeFalse: ['present'] as UffdCarrierKind[] }] as const),
  ['non_swap_entry', { canBeTrue: ['swap', 'marker'] as UffdCarrierKind[], canBeFalse: ['swap'] as UffdCarrierKind[] }],
  // hugetlb entries are never swapped out: a non-present one that is not a migration entry is
  // hwpoison (no bits) or a marker.
  ['is_hugetlb_entry_migration', { canBeTrue: ['swap'] as UffdCarrierKind[], canBeFalse: ['present', 'marker'] as UffdCarrierKind[] }],
  ...['is_migration_entry', 'is_pmd_migration_entry', 'is_device_private_entry',
    'is_device_exclusive_entry', 'is_writable_migration_entry', 'is_writable_device_private_entry',
    'is_readable_migration_entry', 'is_readable_exclusive_migration_entry'].map((n) =>
    [n, { canBeTrue: ['swap'] as UffdCarrierKind[], canBeFalse: ['present', 'swap', 'marker'] as UffdCarrierKind[] }] as const),
  // Later spellings (softleaf_t / leaf_entry_t, 2025): softleaf_is_swap() is a real swap slot only.
  ...['softleaf_is_swap', 'leafent_is_swap', 'softleaf_is_migration', 'leafent_is_migration',
    'softleaf_is_device_private', 'leafent_is_device_private', 'softleaf_is_device_exclusive',
    'leafent_is_device_exclusive', 'softleaf_is_migration_write', 'leafent_is_migration_write'].map((n) =>
    [n, { canBeTrue: ['swap'] as UffdCarrierKind[], canBeFalse: ['present', 'swap', 'marker'] as UffdCarrierKind[] }] as const),
  ...['softleaf_is_marker', 'leafent_is_marker', 'softleaf_is_uffd_wp_marker', 'leafent_is_uffd_wp_marker'].map((n) =>
    [n, { canBeTrue: ['marker'] as UffdCarrierKind[], canBeFalse: ['present', 'swap'] as UffdCarrierKind[] }] as const),
  ...['softleaf_is_hwpoison', 'leafent_is_hwpoison', 'softleaf_is_none', 'leafent_is_none'].map((n) =>
    [n, { canBeTrue: [] as UffdCarrierKind[], canBeFalse: ['present', 'swap', 'marker'] as UffdCarrierKind[] }] as const),
  ...['is_pte_marker', 'is_pte_marker_entry', 'pte_marker_uffd_wp', 'pte_marker_entry_uffd_wp'].map((n) =>
    [n, { canBeTrue: ['marker'] as UffdCarrierKind[], canBeFalse: ['present', 'swap'] as UffdCarrierKind[] }] as const),
  ...['pte_none', 'pmd_none', 'huge_pte_none', 'huge_pte_none_mostly', 'pte_none_mostly', 'is_hugetlb_entry_hwpoisoned',
    'is_hwpoison_entry', 'pte_special', 'pmd_special'].map((n) =>
    [n, { canBeTrue: [] as UffdCarrierKind[], canBeFalse: ['present', 'swap', 'marker'] as UffdCarrierKind[] }] as const),
]);

/**
 * UFFDIO_MOVE helpers (mm/userfaultfd.c, huge_memory.c): the ioctl moves pages between ranges of
 * one userfaultfd, so the destination's uffd-wp state is the ioctl's contract, not a fork/mremap
 * copy (DESIGN §3.D Move: move_present_pte is exempt).
 */
export const UFFDIO_MOVE_HELPERS = new Set([
  'move_present_pte', 'move_swap_pte', 'move_zeropage_pte', 'move_pages_pte', 'move_pages_huge_pmd',
  // 6.17+: the batched present move.
  'move_present_ptes',
]);

// Soft-dirty tracking test (R13, DESIGN §4 R13, §7 row 16: 76aefad628aa).

/** The VMA flag whose *absence* means soft-dirty tracking is active (inverted meaning, §2.6). */
export const SOFT_DIRTY_VMA_FLAG = 'VM_SOFTDIRTY';

// Bit transfer (R3, R5; src/analysis/bit-transfer.ts), continued.

/** Tests that the folio or VMA is hugetlb: hugetlb has no soft-dirty (§1.1). */
export const HUGETLB_TESTS = new Set(['folio_test_hugetlb', 'is_vm_hugetlb_page', 'PageHuge', 'PageHeadHuge']);

/**
 * Source-write predicates after which the entry cannot carry uffd-wp (R3 exemption: the writable
 * migration arm of change_pte_range()/change_huge_pmd()); device entries carry it regardless.
 */
export const UFFD_EXCLUDING_WRITE_PREDICATES = new Set([
  'pte_write', 'pmd_write', 'pud_write', 'huge_pte_write', 'is_writable_migration_entry',
  'softleaf_is_migration_write', 'leafent_is_migration_write',
]);

/**
 * Kind tests that open a fork-copy arm for an entry that may claim exclusivity (R8), and the
 * share step that arm owes (DESIGN §3.C): `whenTrue` is the polarity that enters the arm.
 */
export const FORK_EXCLUSIVE_ARMS: ReadonlyMap<string, { whenTrue: boolean; needs: 'swpClear' | SwapEntryFamily }> = new Map([
  ['non_swap_entry', { whenTrue: false, needs: 'swpClear' as const }],
  ['is_migration_entry', { whenTrue: true, needs: 'migration' as const }],
  ['is_pmd_migration_entry', { whenTrue: true, needs: 'migration' as const }],
  ['is_hugetlb_entry_migration', { whenTrue: true, needs: 'migration' as const }],
  ['is_swap_pmd', { whenTrue: true, needs: 'migration' as const }],
  ['is_device_private_entry', { whenTrue: true, needs: 'devicePrivate' as const }],
  // softleaf_* / leafent_* spellings (2025+).
  ['softleaf_is_swap', { whenTrue: true, needs: 'swpClear' as const }],
  ['leafent_is_swap', { whenTrue: true, needs: 'swpClear' as const }],
  ['softleaf_is_migration', { whenTrue: true, needs: 'migration' as const }],
  ['leafent_is_migration', { whenTrue: true, needs: 'migration' as const }],
  ['pmd_is_migration_entry', { whenTrue: true, needs: 'migration' as const }],
  ['softleaf_is_device_private', { whenTrue: true, needs: 'devicePrivate' as const }],
  ['leafent_is_device_private', { whenTrue: true, needs: 'devicePrivate' as const }],
]);

/** Value operations that only apply to a present entry (R7: the copied value is a present one). */
export const PRESENT_VALUE_OPS = new Set([
  ...PRESENT_ONLY_ACCESSORS,
  'pud_mkold', 'pud_mkclean', 'pud_mkyoung', 'pud_mkdirty', 'pud_wrprotect', 'pud_write',
  'huge_pte_mkold', 'huge_pte_mkyoung', 'huge_pte_mkdirty', 'huge_pte_clear_uffd_wp', 'huge_pte_wrprotect',
]);

/**
 * Predicates whose truth means "writes must fault" (write-notify or soft-dirty tracking wanted):
 * a raw VM_SOFTDIRTY test they return or act on must mean "tracking off" to return false.
 */
export const WRITE_FAULT_NEEDED_PREDICATES = new Set(['vma_wants_writenotify', 'pte_needs_soft_dirty_wp', 'pmd_needs_soft_dirty_wp']);

/** Batch flags that say soft-dirty is tracked (respected) or not (ignored) for the batch (§3.F). */
export const SOFT_DIRTY_BATCH_FLAGS: ReadonlyMap<string, 'tracked' | 'untracked'> = new Map([
  ['FPB_RESPECT_SOFT_DIRTY', 'tracked'],
  ['FPB_IGNORE_SOFT_DIRTY', 'untracked'],
]);

/**
 * Every folio_pte_batch*() flag and what it asks of the batch, with the kernels that spell it:
 * 6.9-6.15 FPB_IGNORE_DIRTY / FPB_IGNORE_SOFT_DIRTY (the batch ignores the bit unless told), 2025+
 * FPB_RESPECT_* (the batch ignores it unless told) and FPB_MERGE_* (folio_pte_batch_flags() folds
 * the batch's bits into the caller's entry).
 */
export const BATCH_FLAGS: ReadonlyMap<string, { bit: 'write' | 'dirty' | 'softDirty' | 'youngDirty'; policy: 'respect' | 'ignore' | 'merge'; since: [number, number]; until?: [number, number] }> = new Map([
  ['FPB_IGNORE_DIRTY', { bit: 'dirty', policy: 'ignore', since: [6, 9], until: [6, 16] }],
  ['FPB_IGNORE_SOFT_DIRTY', { bit: 'softDirty', policy: 'ignore', since: [6, 9], until: [6, 16] }],
  ['FPB_RESPECT_DIRTY', { bit: 'dirty', policy: 'respect', since: [6, 16] }],
  ['FPB_RESPECT_SOFT_DIRTY', { bit: 'softDirty', policy: 'respect', since: [6, 16] }],
  ['FPB_RESPECT_WRITE', { bit: 'write', policy: 'respect', since: [6, 16] }],
  ['FPB_MERGE_WRITE', { bit: 'write', policy: 'merge', since: [6, 16] }],
  ['FPB_MERGE_YOUNG_DIRTY', { bit: 'youngDirty', policy: 'merge', since: [6, 16] }],
] as const);

/**
 * Spellings outside the effect table above, with the kernels that spell them (documentation, as
 * ApiEntry.since/until: every spelling is recognised in every version). The older ones matter for
 * stable backports and for patches against 5.x trees.
 */
export const SPELLING_VERSIONS: ReadonlyMap<string, { since?: [number, number]; until?: [number, number] }> = new Map<string, { since?: [number, number]; until?: [number, number] }>([
  // 5.x swap entry API, reworked in 5.14 (4dd845b5a3e5): one constructor with a `write` argument.
  ['is_write_migration_entry', { until: [5, 14] }],
  ['is_write_device_private_entry', { until: [5, 14] }],
  ['make_migration_entry', { until: [5, 14] }],
  ['make_device_private_entry', { until: [5, 14] }],
  ['is_writable_migration_entry', { since: [5, 14] }],
  ['is_writable_device_private_entry', { since: [5, 14] }],
  ['make_writable_migration_entry', { since: [5, 14] }],
  ['make_readable_migration_entry', { since: [5, 14] }],
  ['make_readable_exclusive_migration_entry', { since: [6, 0] }],
  ['folio_pte_batch', { since: [6, 9] }],
  ['folio_pte_batch_flags', { since: [6, 16] }],
  ['get_and_clear_full_ptes', { since: [6, 9] }],
  ['get_and_clear_ptes', { since: [6, 16] }],
  // softleaf_t (2025+, the leaf entry API that replaces swp_entry_t tests).
  ...['softleaf_from_pte', 'softleaf_from_pmd', 'softleaf_to_pte', 'softleaf_is_swap', 'softleaf_is_migration',
    'softleaf_is_migration_write', 'softleaf_is_migration_read', 'softleaf_is_migration_read_exclusive',
    'softleaf_is_device_private', 'softleaf_is_device_private_write', 'softleaf_is_device_exclusive',
    'softleaf_is_marker', 'softleaf_is_uffd_wp_marker', 'softleaf_is_hwpoison', 'softleaf_is_none',
    'softleaf_make_writable_migration'].map((n) => [n, { since: [6, 19] as [number, number] }] as const),
]);

/**
 * Pre-5.14 constructors that take the write state as an argument: `make_migration_entry(page,
 * write)`, `make_device_private_entry(page, write)`. A grant of a writable entry type unless the
 * argument is provably 0; the argument itself is the guard (`pte_write(pteval)` justifies it).
 */
export const WRITE_ARGUMENT_ENTRY_MAKERS: ReadonlyMap<string, { writeArg: number }> = new Map([
  ['make_migration_entry', { writeArg: 1 }],
  ['make_device_private_entry', { writeArg: 1 }],
]);

/**
 * Decoders that, applied unconditionally to a copied or moved entry, mark the function as the
 * non-present copier (R4: copy_nonpresent_pte). Unlike SWAP_ENTRY_DECODERS this includes the
 * softleaf_t spellings: they decode a present entry to "none", which no copy arm handles, so a
 * function that dispatches on them is only called for non-present entries.
 */
export const UFFD_NONPRESENT_DISPATCH_DECODERS = new Set([
  'pte_to_swp_entry', 'pmd_to_swp_entry', 'softleaf_from_pte', 'softleaf_from_pmd', 'leafent_from_pte',
  'leafent_from_pmd',
]);

// Bit transfer (R3 zaps; src/analysis/bit-transfer.ts), continued.

/** Tests that the folio, page or VMA is anonymous: an anonymous zap drops every bit (R3). */
export const ANON_TESTS = new Set(['folio_test_anon', 'PageAnon', 'vma_is_anonymous']);

/**
 * Is `name` one of the page-table primitives this table describes (an installer, a transform, an
 * in-place write-protect)? Their own definitions (arch set_huge_pte_at(), arm64
 * huge_ptep_set_access_flags(), pte_mkwrite()) implement the contract the rules assume and build
 * and install entries by design; the rules check their callers, through the summaries here.
 */
export function isPageTablePrimitive(name: string): boolean {
  return byName.has(name) || SINKS.has(name) || IN_PLACE_WRPROTECT.has(name);
}
