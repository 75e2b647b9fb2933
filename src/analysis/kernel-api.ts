// Questions about kernel page-table APIs, answered by role from the one table of names
// (./kernel-api/table.ts). The value flow and the rules never spell an API name: they ask "is this
// a write grant", "which calls clear uffd-wp", and the table says which names play that role, in
// which kernels (every spelling of 6.1, 6.12 and the later names seen on linux-mm: softleaf_*,
// get_and_clear_ptes, folio_pte_batch_flags).

import { versionAtLeast, type KernelVersion } from '../kernel-version.js';
import { KERNEL_APIS } from './kernel-api/table.js';
import {
  SET_ROLES,
  type ApiSpec,
  type DataRole,
  type Effect,
  type Level,
  type Role,
  type RoleData,
  type SetRole,
  type SwapEntryFamily,
  type SwapEntryType,
  type Version,
} from './kernel-api/roles.js';

export type {
  ApiSpec,
  DataRole,
  Effect,
  EntryKind,
  Level,
  Role,
  RoleData,
  SetRole,
  SwapEntryFamily,
  SwapEntryType,
  UffdCarrierKind,
  Version,
} from './kernel-api/roles.js';

const DATA_ROLES: readonly DataRole[] = [
  'flow', 'sink', 'inPlaceWrprotect', 'batchBuilder', 'batchFlag', 'kindTest', 'bitSource', 'sharedEntryMaker',
  'swapTypeTest', 'uffdClear', 'uffdRegistration', 'uffdCarrierKindTest', 'forkExclusiveArm', 'writeArgMaker',
];

/** Is the role a set role (as opposed to one that carries data)? */
function isSetRole(role: Role): role is SetRole {
  return Object.hasOwn(SET_ROLES, role);
}

/** The spec of a name, or undefined when the name plays no role here. */
export function apiSpec(name: string): ApiSpec | undefined {
  return Object.hasOwn(KERNEL_APIS, name) ? KERNEL_APIS[name] : undefined;
}

/** Every name in the table, in table order. */
export function apiNames(): readonly string[] {
  return Object.keys(KERNEL_APIS);
}

/** The roles of a name (set roles first, then data roles), empty when the name is not in the table. */
export function roleOf(name: string): Role[] {
  const spec = apiSpec(name);
  if (!spec) return [];
  const roles: Role[] = (spec.roles ?? []).map((r) => (typeof r === 'string' ? r : r.role));
  for (const key of DATA_ROLES) if (spec[key] !== undefined) roles.push(key);
  return roles;
}

/** Does `version` fall in [since, until)? An absent bound is open. */
function inRange(version: KernelVersion, since?: Version, until?: Version): boolean {
  if (since && !versionAtLeast(version, since[0], since[1])) return false;
  return !(until && versionAtLeast(version, until[0], until[1]));
}

const roleSets = new Map<string, ReadonlySet<string>>();

/**
 * The names that play `role`, in table order. Without a version every spelling counts (a patch
 * may backport a newer name); with one, only the names spelled in that kernel and holding the
 * role there. Built once per role and version.
 */
export function apisWithRole(role: Role, version?: KernelVersion): ReadonlySet<string> {
  const key = version ? `${role}@${version.major}.${version.minor}` : role;
  let set = roleSets.get(key);
  if (set) return set;
  const names = new Set<string>();
  for (const [name, spec] of Object.entries(KERNEL_APIS)) {
    if (version && !inRange(version, spec.since, spec.until)) continue;
    if (isSetRole(role)) {
      const use = spec.roles?.find((r) => (typeof r === 'string' ? r : r.role) === role);
      if (!use) continue;
      if (version && typeof use !== 'string' && !inRange(version, use.since, use.until)) continue;
    } else if (spec[role] === undefined) continue;
    names.add(name);
  }
  set = names;
  roleSets.set(key, set);
  return set;
}

/** Does `name` play `role` (in `version`, when given)? */
export function hasRole(name: string, role: Role, version?: KernelVersion): boolean {
  return apisWithRole(role, version).has(name);
}

/** The data a name carries for a data role, or undefined when it does not play that role. */
export function roleData<K extends DataRole>(name: string, role: K): RoleData[K] | undefined {
  return apiSpec(name)?.[role] as RoleData[K] | undefined;
}

/** The one name that plays a role held by a single name (the uffd-wp marker, the soft-dirty VMA flag). */
function theApiWithRole(role: SetRole): string {
  const names = [...apisWithRole(role)];
  if (names.length !== 1) throw new Error(`kernel-api: role ${role} must be held by one name, not ${names.length}`);
  return names[0]!;
}

/** A call's value-flow entry: what it does to the entry it is given or builds. */
export interface ApiEntry {
  name: string;
  effect: Effect;
  level?: Level;
  /** Index of the argument holding the value transformed (default 0). */
  valueArg?: number;
  /** Index of the slot (pointer) argument, for reads, merged reads and sinks. */
  slotArg?: number;
}

const flowEntries = new Map<string, ApiEntry>();
for (const name of apisWithRole('flow')) flowEntries.set(name, { name, ...KERNEL_APIS[name]!.flow! });

/** The value-flow entry for a function name, or undefined if the name has no effect on entries. */
export function apiOf(name: string): ApiEntry | undefined {
  return flowEntries.get(name);
}

/** The uffd-wp marker (a none entry carrying uffd-wp). */
export const UFFD_WP_MARKER = theApiWithRole('uffd-wp-marker');

/** The VMA flag whose *absence* means soft-dirty tracking is active (inverted meaning, 76aefad628aa). */
export const SOFT_DIRTY_VMA_FLAG = theApiWithRole('soft-dirty-vma-flag');

/** The types an entry family has; fork must turn every non-R type into R (6c287605fd56). */
export const SWAP_ENTRY_FAMILY_TYPES: ReadonlyMap<SwapEntryFamily, SwapEntryType[]> = new Map([
  ['migration', ['R', 'RX', 'W'] as SwapEntryType[]],
  ['devicePrivate', ['R', 'W'] as SwapEntryType[]],
]);

/** Does *_mkuffd_wp clear the write bit in this kernel? (f1eb1bacfba9, v6.5) */
export function mkuffdWpClearsWrite(version: KernelVersion): boolean {
  return versionAtLeast(version, 6, 5);
}

/**
 * Can *_mkdirty() set the write bit in this tree? Yes in legacy-arch mode (`--legacy-arch`), and
 * in trees older than 6.5 whatever the mode: their sparc64 (6.1 still has it; the generic
 * `else *_wrprotect()` of 96a9c287e25d was reverted in v6.4 after the arch fix) or loongarch
 * (before bf2f34a506e6, 2023) helpers do it. From 6.5 on no architecture does.
 */
export function mkdirtyMaySetWrite(version: KernelVersion, legacyArch: boolean): boolean {
  return legacyArch || !versionAtLeast(version, 6, 5);
}

/** Is this function a write-upgrade predicate (can_change_pte_writable, can_follow_write_pte, ...)? */
export function isWriteUpgradePredicate(name: string): boolean {
  // Not GUP's shared half can_follow_write_common() (2025+): a helper of the pte/pmd predicates.
  return hasRole(name, 'write-upgrade-predicate') || /^can_\w*writable\w*$/.test(name) || /^can_follow_write_(?:pte|pmd|pud)\w*$/.test(name);
}

/**
 * GUP's predicates (can_follow_write_pte/pmd): their callers test protnone before (6.12
 * mm/gup.c follow_page_pte, follow_huge_pmd), so the predicate itself need not.
 */
export function upgradePredicateChecksProtnone(name: string): boolean {
  return !/^can_follow_write_/.test(name);
}

/**
 * Leaf-entry predicates that hold only for a real (non-none) leaf, i.e. a non-present entry:
 * softleaf_is_swap/_migration/_device_private/_marker/_hwpoison..., softleaf_has_pfn.
 */
export const LEAF_ENTRY_PREDICATE = /^(?:softleaf|leafent)_(?:is|has)_(?!none$)\w+$/;

/** A protection of the kernel's own mappings: an entry built with it carries no user tracking bits. */
export const KERNEL_PROTECTION = /\b_{0,2}PAGE_KERNEL\w*|\b_KERNPG_TABLE\b/;

/**
 * Is `name` one of the page-table primitives this table describes (an installer, a transform, an
 * in-place write-protect)? Their own definitions (arch set_huge_pte_at(), arm64
 * huge_ptep_set_access_flags(), pte_mkwrite()) implement the contract the rules assume and build
 * and install entries by design; the rules check their callers, through the summaries here.
 */
export function isPageTablePrimitive(name: string): boolean {
  return hasRole(name, 'flow') || hasRole(name, 'sink') || hasRole(name, 'inPlaceWrprotect');
}

// Named views of the table for the call sites not yet asking by role.

function dataMap<K extends DataRole>(role: K): ReadonlyMap<string, RoleData[K]> {
  return new Map([...apisWithRole(role)].map((n) => [n, roleData(n, role)!]));
}
const union = (...roles: Role[]): Set<string> => new Set(roles.flatMap((r) => [...apisWithRole(r)]));

export const SINKS = dataMap('sink');
export const SOURCE_WRITE_PREDICATES = union('present-write-test', 'entry-type-write-test');
export const SOURCE_WRITE_CARRIERS = apisWithRole('source-write-carrier');
export const UPGRADE_PREDICATES = apisWithRole('write-upgrade-predicate');
export const UFFD_WP_UPGRADE_BLOCKERS = apisWithRole('uffd-wp-upgrade-blocker');
export const SOFT_DIRTY_UPGRADE_BLOCKERS = apisWithRole('soft-dirty-upgrade-blocker');
export const UFFD_WP_PREDICATES = apisWithRole('uffd-wp-test');
export const UFFD_WP_REQUEST_FLAGS = apisWithRole('uffd-wp-request-flag');
export const FRESH_PAGE_MAPPERS = apisWithRole('fresh-page-mapper');
export const WRITE_FAULT_HANDLERS = apisWithRole('write-fault-handler');
export const GRANT_CHECKED_AT_CALLERS = apisWithRole('grant-checked-at-callers');
export const BATCH_BUILDERS = dataMap('batchBuilder');
export const PRESENT_ONLY_ACCESSORS = apisWithRole('present-only-accessor');
export const SWAP_ONLY_ACCESSORS = apisWithRole('swap-only-accessor');
export const PRESENT_ENTRY_BUILDERS = apisWithRole('present-entry-builder');
export const SWAP_ENTRY_BUILDERS = apisWithRole('swap-entry-builder');
export const KIND_PRESERVING = apisWithRole('kind-preserving');
export const SWAP_ENTRY_DECODERS = apisWithRole('swap-entry-decoder');
export const ENTRY_KIND_PREDICATES = dataMap('kindTest');
export const LEAF_ENTRY_DECODERS = apisWithRole('leaf-entry-decoder');
export const LEAF_ENTRY_NONE_PREDICATES = apisWithRole('leaf-none-test');
export const ENTRY_NONE_PREDICATES = new Set([...apisWithRole('empty-test')].filter((n) => n !== 'pud_none'));
export const DEVICE_PRIVATE_PREDICATES = apisWithRole('device-private-page-test', { major: 6, minor: 0 } as KernelVersion);
export const LEGACY_DEVICE_PRIVATE_PREDICATES = new Map<string, { until: Version }>(
  [...apisWithRole('device-private-page-test')].filter((n) => !DEVICE_PRIVATE_PREDICATES.has(n)).map((n) => [n, { until: [6, 0] }]),
);
export const SWAP_FAULT_HANDLERS = apisWithRole('swap-fault-handler');
export const ANON_RMAP_TRY_SHARE = apisWithRole('anon-rmap-try-share');
export const ANON_RMAP_TRY_DUP = apisWithRole('anon-rmap-try-dup');
export const EXCLUSIVITY_ENCODERS = apisWithRole('exclusivity-encoder');
export const POISON_ENTRY_BUILDERS = apisWithRole('bitless-entry-maker');
export const ANON_EXCLUSIVE_SETTERS = apisWithRole('anon-exclusive-setter');
export const EXCLUSIVITY_PROVENANCE_TRUE = apisWithRole('exclusive-when-true');
export const EXCLUSIVITY_PROVENANCE_FALSE = apisWithRole('exclusive-when-false');
export const SWAP_ENTRY_PREDICATES = apisWithRole('swap-entry-test');
export const PROTNONE_PREDICATES = apisWithRole('protnone-test');
export const ENTRY_DIRTY_PREDICATES = apisWithRole('dirty-test');
export const SOFT_DIRTY_TRACKING_PREDICATES = apisWithRole('soft-dirty-tracking-test');
export const ENTRY_SOFT_DIRTY_PREDICATES = new Set([...apisWithRole('soft-dirty-test')].filter((n) => !hasRole(n, 'swap-only-accessor')));
export const UFFD_WP_VMA_PREDICATES = apisWithRole('uffd-wp-vma-test');
export const ENTRY_TYPE_WRITE_PREDICATES = apisWithRole('entry-type-write-test');
export const ENTRY_TYPE_READONLY_PREDICATES = apisWithRole('entry-type-readonly-test');
export const IN_PLACE_WRPROTECT = dataMap('inPlaceWrprotect');
export const SWP_EXCLUSIVE_CLEARS = apisWithRole('swp-exclusive-clear');
export const SWP_EXCLUSIVE_PREDICATES = apisWithRole('swp-exclusive-test');
export const SHARED_ENTRY_MAKERS = dataMap('sharedEntryMaker');
export const SWAP_ENTRY_TYPE_PREDICATES = dataMap('swapTypeTest');
export const SPECIAL_ENTRY_PREDICATES = apisWithRole('special-test');
export const SOFT_DIRTY_PREDICATES = apisWithRole('soft-dirty-test');
export const BIT_SOURCE_READERS = dataMap('bitSource');
export const ENTRY_EMPTY_TESTS = union('empty-test', 'none-or-marker-test');
export const ENTRY_SAME_TESTS = apisWithRole('same-test');
export const TABLE_ENTRY_USES = apisWithRole('table-entry-use');
export const CLEARING_READS = apisWithRole('clearing-read');
export const ENTRY_CLEARERS = new Set([...[...CLEARING_READS].filter((name) => !name.startsWith('pud')), ...apisWithRole('entry-clearer')]);
export const BITLESS_ENTRY_MAKERS = apisWithRole('bitless-entry-maker');
export const DEVICE_PRIVATE_ENTRY_MAKERS = apisWithRole('device-private-entry-maker');
export const DEVICE_PRIVATE_ENTRY_TESTS = apisWithRole('device-private-test');
export const ZERO_PAGE_NAMES = apisWithRole('zero-page');
export const UFFD_WP_ZAP_INSTALLERS = apisWithRole('uffd-wp-zap-installer');
export const UFFD_WP_CLEAR_COVERAGE = dataMap('uffdClear');
export const UFFD_WP_MARKER_COPIERS = apisWithRole('uffd-wp-marker-copier');
export const UFFD_WP_REGISTRATION_TESTS = dataMap('uffdRegistration');
export const UFFD_CARRIER_KIND_TESTS = dataMap('uffdCarrierKindTest');
export const UFFDIO_MOVE_HELPERS = apisWithRole('uffdio-move-helper');
export const HUGETLB_TESTS = apisWithRole('hugetlb-test');
export const UFFD_EXCLUDING_WRITE_PREDICATES = apisWithRole('uffd-excluding-write-test');
export const FORK_EXCLUSIVE_ARMS = dataMap('forkExclusiveArm');
export const PRESENT_VALUE_OPS = union('present-only-accessor', 'present-value-op');
export const WRITE_FAULT_NEEDED_PREDICATES = apisWithRole('write-fault-needed-test');
export const SOFT_DIRTY_BATCH_FLAGS: ReadonlyMap<string, 'tracked' | 'untracked'> = new Map(
  [...apisWithRole('batchFlag')].flatMap((n) => {
    const f = roleData(n, 'batchFlag')!;
    if (f.bit !== 'softDirty' || f.policy === 'merge') return [];
    return [[n, f.policy === 'respect' ? 'tracked' : 'untracked'] as const];
  }),
);
export const WRITE_ARGUMENT_ENTRY_MAKERS = dataMap('writeArgMaker');
export const UFFD_NONPRESENT_DISPATCH_DECODERS = union('swap-entry-decoder', 'leaf-entry-decoder');
export const ANON_TESTS = apisWithRole('anon-test');
