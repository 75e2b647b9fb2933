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

/** Every data role, once: a Record so that a role added to RoleData must be listed here. */
const DATA_ROLE_SET: Readonly<Record<DataRole, true>> = {
  flow: true, sink: true, inPlaceWrprotect: true, batchBuilder: true, batchFlag: true, kindTest: true, bitSource: true,
  sharedEntryMaker: true, swapTypeTest: true, uffdClear: true, uffdRegistration: true, uffdCarrierKindTest: true,
  forkExclusiveArm: true, writeArgMaker: true,
};
const DATA_ROLES = Object.keys(DATA_ROLE_SET) as DataRole[];

/** Is the role a set role (as opposed to one that carries data)? */
function isSetRole(role: Role): role is SetRole {
  return Object.hasOwn(SET_ROLES, role);
}

// The table by name: asked for every call of every analysed function, mostly of names it lacks;
// a Map answers those in one probe (Object.hasOwn on the 300-key literal and the property read
// after it were 33 ms of 6.12 mm/'s analysis over four in-process runs).
const SPECS = new Map<string, ApiSpec>(Object.entries(KERNEL_APIS));

/** The spec of a name, or undefined when the name plays no role here. */
export function apiSpec(name: string): ApiSpec | undefined {
  return SPECS.get(name);
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

// By role, then by version (major * 4096 + minor; -1 without one): asked thousands of times per
// function, a string key built per call was a third of 6.12 mm/'s 50 ms in these accessors.
const roleSets = new Map<Role, Map<number, ReadonlySet<string>>>();

/**
 * The names that play `role`, in table order. Without a version every spelling counts (a patch
 * may backport a newer name); with one, only the names spelled in that kernel and holding the
 * role there. Built once per role and version.
 */
export function apisWithRole(role: Role, version?: KernelVersion): ReadonlySet<string> {
  const key = version ? version.major * 4096 + version.minor : -1;
  let byVersion = roleSets.get(role);
  if (!byVersion) roleSets.set(role, (byVersion = new Map()));
  let set = byVersion.get(key);
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
  byVersion.set(key, set);
  return set;
}

// The roles of each name in any kernel: hasRole() without a version is asked a few hundred
// thousand times on 6.12 mm/ (mostly of names the table lacks); through the per-role sets it cost
// 80 ms over four in-process runs, here one Map probe answers most.
const ROLES_BY_NAME = new Map<string, ReadonlySet<Role>>(Object.keys(KERNEL_APIS).map((name) => [name, new Set(roleOf(name))]));

/** Does `name` play `role`, or one of `roles` (in `version`, when given)? */
export function hasRole(name: string, role: Role | readonly Role[], version?: KernelVersion): boolean {
  if (!version) {
    const roles = ROLES_BY_NAME.get(name);
    if (!roles) return false;
    if (typeof role === 'string') return roles.has(role);
    for (const r of role) if (roles.has(r)) return true;
    return false;
  }
  if (typeof role === 'string') return apisWithRole(role, version).has(name);
  for (const r of role) if (apisWithRole(r, version).has(name)) return true;
  return false;
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

/** The folio_pte_batch*() flag asking `policy` of `bit` (FPB_RESPECT_WRITE, FPB_MERGE_WRITE, ...). */
export function batchFlagNamed(bit: RoleData['batchFlag']['bit'], policy: RoleData['batchFlag']['policy']): string {
  const name = [...apisWithRole('batchFlag')].find((n) => {
    const flag = KERNEL_APIS[n]!.batchFlag!;
    return flag.bit === bit && flag.policy === policy;
  });
  if (!name) throw new Error(`kernel-api: no batch flag asks ${policy} of ${bit}`);
  return name;
}

// Spelling conventions of the page-table API: what a name's shape says, for families the table
// need not list name by name (arch helpers, fix hints spelled for the entry's level and kind).

/** The level a page-table call works on, from its spelling: huge_*, *pmd*, *pud*, else pte. */
export function levelOfName(name: string): Level {
  if (/^huge_|_huge_pte_|^set_huge_pte_at$/.test(name)) return 'huge';
  if (/pmd/.test(name)) return 'pmd';
  if (/pud/.test(name)) return 'pud';
  return 'pte';
}

/** An accessor without its level and kind: `pte_swp_mkuffd_wp` -> `mkuffd_wp`, `huge_pte_clear_uffd_wp` -> `clear_uffd_wp`. */
export function accessOfName(name: string): string {
  return name.replace(/^(?:huge_)?(?:pte|pmd|pud)_(?:swp_)?/, '');
}

/** The setter of a carried bit for an entry of this level and kind (pte_mkuffd_wp, pmd_swp_mksoft_dirty, ...). */
export function bitSetterName(bit: 'uffd' | 'softDirty', level: Level, kind: 'present' | 'swap'): string {
  const what = bit === 'uffd' ? 'uffd_wp' : 'soft_dirty';
  if (level === 'huge') return kind === 'swap' ? `pte_swp_mk${what}` : `huge_pte_mk${what}`;
  const prefix = level === 'pmd' ? 'pmd' : level === 'pud' ? 'pud' : 'pte';
  return kind === 'swap' ? `${prefix}_swp_mk${what}` : `${prefix}_mk${what}`;
}

/** The test of a carried bit on an old entry of this level and kind (pte_swp_uffd_wp, pmd_soft_dirty, the marker test). */
export function bitTestName(bit: 'uffd' | 'softDirty', level: Level, kind: 'present' | 'swap' | 'marker'): string {
  if (kind === 'marker') return 'pte_marker_uffd_wp';
  const prefix = level === 'pmd' ? 'pmd' : level === 'huge' ? 'huge_pte' : 'pte';
  const what = bit === 'uffd' ? 'uffd_wp' : 'soft_dirty';
  return kind === 'swap' ? `${prefix === 'huge_pte' ? 'pte' : prefix}_swp_${what}` : `${prefix}_${what}`;
}

/**
 * The kind of entry a test of the old entry shows, when it holds (`positive`) or fails: present
 * after pte_present(), pmd_present() or pmd_trans_huge(); non-present after an is_..._entry(),
 * is_swap_pte() or is_..._migration...() test, or when pte_present() or pmd_present() fails.
 */
export function sourceKindOfTest(name: string, positive: boolean): 'present' | 'swap' | undefined {
  if (positive) {
    if (/^(pte|pmd)_present$|^pmd_trans_huge$/.test(name)) return 'present';
    if (/^is_\w*(entry|swap_pte|migration)\w*$/.test(name)) return 'swap';
    return undefined;
  }
  return /^(pte|pmd)_present$/.test(name) ? 'swap' : undefined;
}

/** Does the reader test only the entry's kind (present, huge, marker), reading none of its bits? */
export function readsKindOnly(name: string): boolean {
  return /^(pte|pmd|pud)_present$|^(pmd|pud)_trans_huge$|^is_pte_marker$/.test(name);
}

/** A setter (as opposed to a reader) of an accessor family, by spelling: it returns an entry. */
export function isSetterName(name: string): boolean {
  return /_(?:mk|clear_|wrprotect)/.test(name);
}

/** A slot read that also clears or invalidates the slot, by spelling (ptep_get_and_clear, pmdp_invalidate, ...). */
export function isClearingReadName(name: string): boolean {
  return /clear|invalidate|modify_prot_start/.test(name);
}

/** A PTE slot accessor, by spelling: ptep_*, huge_ptep_*. */
export function isPteSlotAccessorName(name: string): boolean {
  return /^(?:huge_)?ptep_/.test(name);
}

/** Does the text of a condition test for a device page (device-private or, before 6.0, zone-device)? */
export function mentionsDevicePageTest(text: string): boolean {
  return /device_private|zone_device/.test(text);
}

/** A write-upgrade predicate by its spelling can_..._writable() (the guard-level test; see isWriteUpgradePredicate). */
export function isCanWritableName(name: string): boolean {
  return /^can_\w*writable$/.test(name);
}

/** A "needs a write fault" predicate by its spelling: *_needs_soft_dirty_wp(), *_wants_writenotify(). */
export function isNeedsFaultName(name: string): boolean {
  return /needs_soft_dirty_wp$|wants_writenotify$/.test(name);
}

/**
 * Does a function look like a fork copy by its spelling: named copy_*(), or its body names a
 * src_/dst_ pair or tests for a COW mapping (is_cow_mapping(), a `cow` flag)?
 */
export function looksLikeForkCopyText(functionName: string, body: string): boolean {
  return /^copy_/.test(functionName) || /\b(?:src_\w+|dst_\w+|is_cow_mapping|cow)\b/.test(body);
}

/** The poison PTE marker (a marker that carries no bits). */
export const POISON_MARKER = theApiWithRole('poison-marker');

/** The helper that installs a uffd-wp marker where a zapped PTE carried uffd-wp (mm/memory.c). */
export const ZAP_UFFD_WP_MARKER_INSTALLER = 'pte_install_uffd_wp_if_needed';
