// The roles a kernel page-table API can play, and the types of the data some roles carry. The
// table (./table.ts) gives each name its roles; ../kernel-api.ts answers questions by role.
// The invariants behind each role are described per rule in docs/invariants.md#<rule-id>.

/** A kernel version as [major, minor]. */
export type Version = readonly [number, number];

export type Level = 'pte' | 'pmd' | 'pud' | 'huge' | 'swp';

/** The two families of entry: present (hardware bits) and non-present (swap, migration, device, marker). */
export type EntryKind = 'present' | 'swap';

/** Entry kinds that can carry uffd-wp: present bit, swap/migration swp bit, or a uffd-wp marker. */
export type UffdCarrierKind = 'present' | 'swap' | 'marker';

/**
 * Entry types of migration and device-private entries (write and exclusivity are the type):
 * R = readable (shared), RX = readable-exclusive, W = writable (exclusive).
 */
export type SwapEntryType = 'R' | 'RX' | 'W';
export type SwapEntryFamily = 'migration' | 'devicePrivate';

/** What a call does to the page-table value it is given (or builds). */
export type Effect =
  /** sets the write bit of its first argument */
  | 'grant'
  /** grant only if the VMA has VM_WRITE: maybe_mkwrite & co. */
  | 'grantVma'
  /** builds a swap entry whose *type* is writable (make_writable_migration_entry) */
  | 'grantEntry'
  /** clears the write bit */
  | 'wrprotect'
  /** sets uffd-wp; clears write too where `mkuffd_wp_clears_write` (6.5+) */
  | 'setUffd'
  | 'clearUffd'
  | 'setSoftDirty'
  | 'clearSoftDirty'
  /** pte_mkdirty & co: D=1, and SD=1 on x86 (arch/x86 pte_mkdirty() sets _PAGE_SOFT_DIRTY) */
  | 'mkdirty'
  /** any other transform of its first argument that keeps the bits this tool tracks */
  | 'keep'
  /** pte_modify(): write from the new protection, soft-dirty and uffd-wp kept */
  | 'modify'
  /** builds a new present entry from a page and a protection (mk_pte, pfn_pte, ...) */
  | 'construct'
  /** reads the current entry of a table slot */
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

/**
 * Roles that are plain membership: a name has the role or not (possibly only in some kernels).
 * The text is what having the role means; tests check that each role is held by some name.
 */
export const SET_ROLES = {
  // Write permission (docs/invariants.md#pte-write-grant-unjustified, #redundant-maybe-mkwrite).
  'present-write-test': "truth means the present entry is writable (guard: the source entry was writable)",
  'entry-type-write-test': "truth means the migration/device entry's type is writable (write is the entry type, 4dd845b5a3e5)",
  'entry-type-readonly-test': "truth means the migration entry's type is read-only (READ or READ_EXCLUSIVE)",
  'source-write-carrier': 'identifier or macro that carries a source entry\'s write state (out-param, flag bit)',
  'write-upgrade-predicate': 'complete write-upgrade predicate (can_change_pte_writable & co.): its truth justifies a grant',
  'uffd-wp-upgrade-blocker': "half of do_swap_page()'s inline upgrade conjunction that must be negated (uffd-wp)",
  'soft-dirty-upgrade-blocker': "half of do_swap_page()'s inline upgrade conjunction that must be negated (soft-dirty)",
  'write-fault-handler': 'entered only for a write (or unshare) fault on a present entry, which justifies its grant',
  'grant-checked-at-callers': 'makes the entry writable by contract; its callers hold the justification (set_huge_ptep_writable)',
  'write-fault-needed-test': 'truth means writes must fault (write-notify or soft-dirty tracking wanted)',
  'protnone-test': 'NUMA-hinting entry: never upgrade it',
  'dirty-test': "the entry's hardware dirty bit: a shared mapping was write-notified",
  // uffd-wp (docs/invariants.md#uffd-wp-never-writable, #uffd-wp-propagate, #uffd-wp-clear-on-unregistered-dst).
  'uffd-wp-test': 'truth means the tested entry carries uffd-wp',
  'uffd-wp-vma-test': 'truth means the VMA is registered for uffd-wp; false means no entry of it can need a uffd-wp fault',
  'uffd-wp-request-flag': 'request flag meaning "install write-protected for userfaultfd"',
  'uffd-excluding-write-test': 'source-write test after which the entry cannot carry uffd-wp (the writable migration arm of change_pte_range())',
  'uffd-wp-marker': 'the uffd-wp PTE marker: a none entry carrying uffd-wp',
  'uffd-wp-zap-installer': 'installs a uffd-wp marker for a zapped entry when it carried uffd-wp',
  'uffd-wp-marker-copier': 'copies a marker, keeping PTE_MARKER_UFFD_WP only for a registered destination (copy_pte_marker)',
  'uffdio-move-helper': "UFFDIO_MOVE helper: the destination's uffd-wp state is the ioctl's contract, not a copy's",
  // Soft-dirty (docs/invariants.md#soft-dirty-propagate, #softdirty-tracking-predicate).
  'soft-dirty-test': "reads the entry's soft-dirty bit (present or swap spelling)",
  'soft-dirty-tracking-test': 'truth means soft-dirty tracking is active for the VMA (6.0+; a raw VM_SOFTDIRTY test is inverted, 76aefad628aa)',
  'soft-dirty-vma-flag': 'the VMA flag whose absence means soft-dirty tracking is active',
  'hugetlb-test': 'the folio or VMA is hugetlb (hugetlb has no soft-dirty)',
  'zero-page': 'names the shared zero page: replacing or moving it carries no soft-dirty',
  'device-private-entry-maker': 'builds a device-private entry: soft-dirty is deliberately not kept on its rebuilds',
  'device-private-test': 'the entry (or its folio) is device-private',
  'device-private-page-test': "the folio/page is device-private, so its entry is a device-private swap entry (only inside the branch, never backwards)",
  // Entry kinds (docs/invariants.md#present-swap-accessor-mismatch): on x86 the present and swap bits
  // alias (_PAGE_SWP_SOFT_DIRTY == _PAGE_RW), so the wrong family reads or sets an unrelated bit.
  'present-only-accessor': 'reads or sets a bit that only a present entry has',
  'swap-only-accessor': 'reads or sets a bit that only a non-present entry has (not pte_swp_uffd_wp_any, valid on any kind)',
  'present-value-op': 'value operation that only applies to a present entry, besides the present-only accessors (fork copies)',
  'present-entry-builder': 'returns a new present entry (besides the present-only setters)',
  'swap-entry-builder': 'returns a new non-present entry (besides the swap-only setters)',
  'kind-preserving': 'transform whose result has the kind of its first argument (it tests the kind itself)',
  'swap-entry-decoder': 'decoder defined only on a non-present entry: applying it types the value non-present',
  'leaf-entry-decoder': '2025+ leaf-entry decoder: defined on any entry, returns a none leaf for a present or none one (include/linux/leafops.h)',
  'leaf-none-test': 'leaf-entry predicate that holds for a none leaf (present or empty entry)',
  'empty-test': 'truth means the slot is empty: neither present nor a swap entry',
  'none-or-marker-test': 'truth means the slot is empty or holds a marker (hugetlb_fault() -> hugetlb_no_page())',
  'special-test': 'PFNMAP "special" entry: never anon, never COW-copied as a page',
  'same-test': 'both arguments name one entry (replace_page()\'s orig_pte and the slot it re-reads)',
  'table-entry-use': 'shows that a PMD/PUD value points to a page table, not a leaf (khugepaged collapse)',
  'swap-fault-handler': "fault handler entered only for a non-present vmf->orig_pte (until it reassigns it)",
  // Reads and clears of table slots (docs/invariants.md#uffd-wp-propagate, #unmap-exclusive-pairing).
  'clearing-read': 'reads a slot and clears it: the entry leaves that slot (replaced in place, or moved)',
  'entry-clearer': 'clears or invalidates a present PTE or PMD (anon-exclusive pages are shared per PTE or PMD, never per PUD): a clearing read, a clear that returns nothing after a ptep_get(), or mprotect\'s start',
  'bitless-entry-maker': 'builds an entry that carries no bits by design (hwpoison, swapin error)',
  'anon-test': 'the folio, page or VMA is anonymous: an anonymous zap drops every bit',
  // Exclusivity, PG_anon_exclusive (docs/invariants.md#swp-exclusive-decode, #unmap-exclusive-pairing,
  // #try-share-result-checked, #fork-exclusive-clear).
  'anon-rmap-try-share': 'share-before-unmap: 0 when PG_anon_exclusive was cleared, -EBUSY when the page may be pinned',
  'anon-rmap-try-dup': 'duplicate-on-fork: fails when the page may be pinned (fork copies or splits instead)',
  'exclusivity-encoder': 'puts PG_anon_exclusive into a non-present entry (swap bit or migration type)',
  'anon-exclusive-setter': 'marks a page exclusive directly (besides RMAP_EXCLUSIVE)',
  'exclusive-when-true': 'truth derives exclusivity from the entry or the page (swp bit, migration type, page flag, reuse check)',
  'exclusive-when-false': 'falsehood derives exclusivity: !is_readable_migration_entry() is writable or readable-exclusive',
  'swap-entry-test': 'names a swap/migration entry: its presence puts a function in swp-exclusive-decode\'s scope',
  'fresh-page-mapper': 'maps a page just allocated or known exclusive',
  'swp-exclusive-clear': 'clears the anon-exclusive bit of a swap entry value: the page becomes shared',
  'swp-exclusive-test': 'truth means the swap entry claims PG_anon_exclusive',
  'anon-exclusive-test': 'truth means the page is PG_anon_exclusive (the page flag of a present mapping)',
  'exclusive-guard-evidence': 'a guard on it shows the page is mapped exclusively by this process (swap-in, restore)',
  'cow-mapping-test': 'truth means the VMA is a private writable (COW) mapping',
  // Spellings that the analysis layer follows through or special-cases.
  'entry-value-wrapper': 'returns the entry value it is given, as a value or as raw bits (READ_ONCE, __pte, pte_val)',
  'poison-marker': 'the poison PTE marker: a marker that carries no bits',
  'pte-marker-maker': 'builds a PTE marker (a none entry carrying marker bits: uffd-wp, poison, swapin error)',
  'uffd-marker-test': 'holds only for a uffd-wp marker (or a marker, of which uffd-wp is the carrying kind)',
  'fault-entry-uffd-wp-test': "tests the fault's orig_pte for uffd-wp, present bit or marker (vmf_orig_pte_uffd_wp)",
  'uffd-wp-unregistered-test': 'truth means the destination must not carry uffd-wp (mremap without UFFD_EVENT_REMAP, 0cef0bb836e3)',
  'soft-dirty-move-marker': 'marks a moved entry soft-dirty unconditionally (mremap, UFFDIO_MOVE)',
  'hugetlb-slot-read': 'reads a hugetlb slot: a swap entry decoded from its value is a hugetlb entry',
  'slot-clear': 'clears a table slot and returns nothing (the slot is its third argument, or its only one)',
  'kind-split-test': 'splits an entry by kind: pte_present(x), is_swap_pte(x) (through likely() and !)',
  'present-test': 'truth means the entry is present (its negation, that it is not)',
  'batch-writable-out-param': "folio_pte_batch()'s out-param (6.9-6.15): whether any entry of the batch was writable",
  'pfn-write-flag': 'a migrate_vma pfn flag that makes the destination writable (a grant where it is set)',
  'writable-arg-constructor': 'builds a present entry writable when its third argument is non-zero: make_huge_pte(vma, page, writable)',
  'respects-soft-dirty-unless-ignored': '6.9-6.15 folio_pte_batch() with flags: soft-dirty is respected unless FPB_IGNORE_SOFT_DIRTY is passed',
} as const;

export type SetRole = keyof typeof SET_ROLES;

/** Roles that carry data about how the name is called or what it means. */
export interface RoleData {
  /** Value-flow effect on the entry it is given or builds; `valueArg` (default 0), `slotArg` for reads. */
  flow: { effect: Effect; level?: Level; valueArg?: number; slotArg?: number };
  /** Installs a value into a table slot; `countArg` for batch installers. */
  sink: { valueArg: number; slotArg: number; countArg?: number };
  /** Write-protects the entry (or `nr` entries) behind a slot pointer in place. */
  inPlaceWrprotect: { slotArg: number; countArg?: number };
  /** Sizes a batch (folio_pte_batch*): where its flags are, and whether it respects the bits unasked. */
  batchBuilder: { flagsArg: number; respectByDefault: boolean };
  /** A folio_pte_batch*() flag and what it asks of the batch. */
  batchFlag: { bit: 'write' | 'dirty' | 'softDirty' | 'youngDirty'; policy: 'respect' | 'ignore' | 'merge' };
  /**
   * Predicate on an entry: the kind it has when the predicate holds / fails; `whenFalseAndNotNone`
   * when it fails and an empty-test of the same value failed too.
   */
  kindTest: { whenTrue?: EntryKind; whenFalse?: EntryKind; whenFalseAndNotNone?: EntryKind };
  /** Reads an old entry's bits (or tests its kind): the entry argument, its kind and level. */
  bitSource: { arg: number; kind: 'present' | 'swap' | 'marker'; level: Level };
  /** Makes a shared (plain readable) entry of this family: what fork must leave in parent and child. */
  sharedEntryMaker: SwapEntryFamily;
  /** Type predicate of a migration/device entry and the types for which it holds. */
  swapTypeTest: { family: SwapEntryFamily; holdsFor: SwapEntryType[] };
  /** Clears uffd-wp, on these entry kinds (no swap-level clear touches a marker). */
  uffdClear: UffdCarrierKind[];
  /** Tests the destination's uffd-wp registration; its value when the destination must not carry uffd-wp. */
  uffdRegistration: { vmaArg: number; whenUnregistered: boolean };
  /** Entry-kind test for uffd-wp coverage: the kinds for which it can be true and can be false. */
  uffdCarrierKindTest: { canBeTrue: UffdCarrierKind[]; canBeFalse: UffdCarrierKind[] };
  /** Kind test opening a fork-copy arm for an entry that may claim exclusivity, and the share step it owes. */
  forkExclusiveArm: { whenTrue: boolean; needs: 'swpClear' | SwapEntryFamily };
  /** Pre-5.14 constructor taking the write state as an argument: a grant unless it is provably 0. */
  writeArgMaker: { writeArg: number };
}

export type DataRole = keyof RoleData;
export type Role = SetRole | DataRole;

/** A set role, or one that the name holds only in some kernels. */
export type RoleUse = SetRole | { role: SetRole; since?: Version; until?: Version };

/** One kernel name: the kernels that spell it, and its roles. */
export type ApiSpec = {
  /**
   * The kernels that spell it (every spelling is recognised in every version, because a patch
   * against an old tree may backport a newer name and names do not collide).
   */
  since?: Version;
  until?: Version;
  roles?: readonly RoleUse[];
} & { readonly [K in DataRole]?: RoleData[K] };
