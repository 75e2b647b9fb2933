// ---------------------------------------------------------------------------------------------
// Config profile
// ---------------------------------------------------------------------------------------------

export interface ConfigProfile {
  readonly name: string;
  /**
   * Macros whose state the profile fixes: a number means "defined with this value" (a `y`
   * Kconfig symbol is 1), `null` "defined, with a value `#if` cannot use" (a string Kconfig
   * symbol, `-DKBUILD_MODNAME='"memory"'`), `false` "not defined". Symbols not named here follow
   * the policy of `MacroState` in conditionals.ts and `unlistedConfig`.
   */
  readonly symbols: Readonly<Record<string, number | null | false>>;
  /**
   * CONFIG_* symbols not in `symbols`: `enabled` (the default, for analysis without a build: the
   * feature arm is the one the rules need) or `undefined` (a real build's configuration, whose
   * autoconf.h lists every symbol that is set, so the rest are not).
   */
  readonly unlistedConfig?: 'enabled' | 'undefined';
}

const ON = [
  'CONFIG_MMU', 'CONFIG_TRANSPARENT_HUGEPAGE', 'CONFIG_ARCH_ENABLE_THP_MIGRATION', 'CONFIG_HUGETLB_PAGE',
  'CONFIG_MEM_SOFT_DIRTY', 'CONFIG_HAVE_ARCH_SOFT_DIRTY', 'CONFIG_PTE_MARKER_UFFD_WP', 'CONFIG_USERFAULTFD',
  'CONFIG_HAVE_ARCH_USERFAULTFD_WP', 'CONFIG_MIGRATION', 'CONFIG_DEVICE_PRIVATE', 'CONFIG_ZONE_DEVICE',
  'CONFIG_NUMA_BALANCING', 'CONFIG_NUMA', 'CONFIG_SMP', 'CONFIG_SWAP', 'CONFIG_KSM', 'CONFIG_X86',
  'CONFIG_X86_64', 'CONFIG_64BIT', 'CONFIG_ARCH_HAS_PTE_SPECIAL', 'CONFIG_ARCH_HAS_PTE_DEVMAP',
  'CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE', 'CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD',
  'CONFIG_SPARSEMEM', 'CONFIG_SPARSEMEM_VMEMMAP', 'CONFIG_PHYS_ADDR_T_64BIT',
];

// Symbols an x86_64 build does not have, where "unknown CONFIG_* is enabled" would pick the
// wrong arm: other architectures, 32-bit x86, the alternatives to the x86_64 choices above, and
// options that strip features (CONFIG_SLUB_TINY hides most of mm/slub.c's fast paths).
const OFF = [
  'CONFIG_X86_32', 'CONFIG_X86_PAE', 'CONFIG_32BIT', 'CONFIG_HIGHMEM', 'CONFIG_HIGHPTE',
  'CONFIG_GUP_GET_PXX_LOW_HIGH', 'CONFIG_FLATMEM', 'CONFIG_NEED_PER_CPU_KM', 'CONFIG_PREEMPT_RT',
  'CONFIG_SLOB', 'CONFIG_SLAB', 'CONFIG_SLUB_TINY', 'CONFIG_KMSAN', 'CONFIG_MMU_GATHER_NO_GATHER',
  'CONFIG_MMU_GATHER_NO_RANGE', 'CONFIG_HUGETLB_PAGE_SIZE_VARIABLE',
  'CONFIG_ARCH_HAS_HUGEPD', 'CONFIG_ARM', 'CONFIG_ARM64', 'CONFIG_ARM64_CONTPTE', 'CONFIG_PPC',
  'CONFIG_PPC64', 'CONFIG_PPC_BOOK3S_64', 'CONFIG_S390', 'CONFIG_SPARC', 'CONFIG_SPARC64',
  'CONFIG_MIPS', 'CONFIG_RISCV', 'CONFIG_LOONGARCH', 'CONFIG_IA64', 'CONFIG_PARISC', 'CONFIG_ALPHA',
  'CONFIG_SUPERH', 'CONFIG_XTENSA', 'CONFIG_M68K', 'CONFIG_MICROBLAZE', 'CONFIG_OPENRISC',
];

// x86 feature macros (arch/x86/include/asm/pgtable*.h and processor.h, union of 6.1 and 6.12): the
// generic fallbacks in include/linux/pgtable.h under `#ifndef __HAVE_ARCH_*` are not the code x86 runs.
export const X86_ARCH_MACROS: readonly string[] = [
  '__HAVE_ARCH_PFN_MODIFY_ALLOWED', '__HAVE_ARCH_PMDP_CLEAR_YOUNG_FLUSH', '__HAVE_ARCH_PMDP_HUGE_GET_AND_CLEAR',
  '__HAVE_ARCH_PMDP_INVALIDATE_AD', '__HAVE_ARCH_PMDP_SET_ACCESS_FLAGS', '__HAVE_ARCH_PMDP_SET_WRPROTECT',
  '__HAVE_ARCH_PMDP_TEST_AND_CLEAR_YOUNG', '__HAVE_ARCH_PTEP_CLEAR_YOUNG_FLUSH', '__HAVE_ARCH_PTEP_GET_AND_CLEAR',
  '__HAVE_ARCH_PTEP_GET_AND_CLEAR_FULL', '__HAVE_ARCH_PTEP_SET_ACCESS_FLAGS', '__HAVE_ARCH_PTEP_SET_WRPROTECT',
  '__HAVE_ARCH_PTEP_TEST_AND_CLEAR_YOUNG', '__HAVE_ARCH_PTE_SAME', '__HAVE_ARCH_PTE_SWP_EXCLUSIVE',
  '__HAVE_ARCH_PUDP_HUGE_GET_AND_CLEAR', 'ARCH_HAS_PREFETCHW',
];

/**
 * x86_64 with the page-table features the rules reason about: THP, hugetlb, soft-dirty, uffd-wp,
 * migration, device-private.
 */
export const DEFAULT_PROFILE: ConfigProfile = {
  name: 'x86_64',
  symbols: Object.freeze({
    ...Object.fromEntries(ON.map((s) => [s, 1])),
    ...Object.fromEntries(OFF.map((s) => [s, false])),
    ...Object.fromEntries(X86_ARCH_MACROS.map((s) => [s, 1])),
    CONFIG_PGTABLE_LEVELS: 5,
    BITS_PER_LONG: 64,
    __BITS_PER_LONG: 64,
    __KERNEL__: 1,
    __x86_64__: 1,
  }),
};
