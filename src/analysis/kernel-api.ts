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
  'pte_mkold', 'pte_mkyoung', 'pte_mkclean', 'pte_mkspecial', 'pte_mkhuge', 'pte_mkdevmap',
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
  ['set_ptes', { valueArg: 3, slotArg: 2, countArg: 4 }],
  ['set_pmd_at', { valueArg: 3, slotArg: 2 }],
  ['set_pud_at', { valueArg: 3, slotArg: 2 }],
  ['set_huge_pte_at', { valueArg: 3, slotArg: 2 }],
  ['set_pte', { valueArg: 1, slotArg: 0 }],
  ['set_pmd', { valueArg: 1, slotArg: 0 }],
  ['ptep_modify_prot_commit', { valueArg: 4, slotArg: 2 }],
  ['modify_prot_commit_ptes', { valueArg: 4, slotArg: 2, countArg: 5 }],
  ['huge_ptep_modify_prot_commit', { valueArg: 4, slotArg: 2 }],
  ['ptep_set_access_flags', { valueArg: 3, slotArg: 2 }],
  ['pmdp_set_access_flags', { valueArg: 3, slotArg: 2 }],
  ['huge_ptep_set_access_flags', { valueArg: 3, slotArg: 2 }],
]);

/** §2.3 predicates whose truth means "the source entry was writable" (guard G1). */
export const SOURCE_WRITE_PREDICATES = new Set([
  'pte_write', 'pmd_write', 'pud_write', 'huge_pte_write', 'pte_savedwrite', 'pmd_savedwrite',
  'is_writable_migration_entry', 'is_writable_device_private_entry',
  'is_writable_device_exclusive_entry', 'softleaf_is_migration_write', 'leafent_is_migration_write',
  'softleaf_is_device_private_write', 'softleaf_is_device_exclusive_write',
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
