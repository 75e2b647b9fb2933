// What kbuild hands its checker, as `make V=1 C=2 CHECK=...` printed it: Debian's linux-source 6.12
// (6.12.118), x86_64, `make O=<build> allnoconfig` with CONFIG_64BIT=y, gcc 12.2. The checker runs
// in the build directory, so `-I./include` is the build tree's. `$(srctree)` stands for the source
// tree, `$(obj)` for the object's directory and `$(base)` for its name without the directory.

const KBUILD_6_12_X86_64_CHECK = `
-D__linux__ -Dlinux -D__STDC__ -Dunix -D__unix__ -Wbitwise -Wno-return-void -Wno-unknown-attribute
-D__x86_64__ --arch=x86 -mlittle-endian -m64 -Wp,-MMD,$(obj)/.$(base).o.d -nostdinc
-I$(srctree)/arch/x86/include -I./arch/x86/include/generated -I$(srctree)/include -I./include
-I$(srctree)/arch/x86/include/uapi -I./arch/x86/include/generated/uapi -I$(srctree)/include/uapi
-I./include/generated/uapi -include $(srctree)/include/linux/compiler-version.h
-include $(srctree)/include/linux/kconfig.h -include $(srctree)/include/linux/compiler_types.h
-D__KERNEL__ -fmacro-prefix-map=$(srctree)/= -std=gnu11 -fshort-wchar -funsigned-char -fno-common
-fno-PIE -fno-strict-aliasing -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -fcf-protection=none
-m64 -falign-jumps=1 -falign-loops=1 -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3
-mskip-rax-setup -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare
-fno-asynchronous-unwind-tables -fno-delete-null-pointer-checks -O2 -fno-allow-store-data-races
-fno-stack-protector -fomit-frame-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection
-falign-functions=16 -fno-strict-overflow -fno-stack-check -fconserve-stack -fno-builtin-wcslen
-fno-builtin-wcslen -Wall -Wextra -Wundef -Werror=implicit-function-declaration -Werror=implicit-int
-Werror=return-type -Werror=strict-prototypes -Wno-format-security -Wno-trigraphs -Wno-frame-address
-Wno-address-of-packed-member -Wmissing-declarations -Wmissing-prototypes -Wframe-larger-than=2048
-Wno-main -Wno-dangling-pointer -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-array-bounds
-Wno-stringop-overflow -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -Werror=date-time
-Werror=incompatible-pointer-types -Werror=designated-init -Wenum-conversion -Wunused
-Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-packed-not-aligned -Wno-format-overflow
-Wno-format-truncation -Wno-stringop-truncation -Wno-override-init -Wno-missing-field-initializers
-Wno-type-limits -Wno-shift-negative-value -Wno-maybe-uninitialized -Wno-sign-compare
-Wno-unused-parameter -I$(srctree)/$(obj) -I$(obj)
-DKBUILD_MODFILE="$(obj)/$(base)" -DKBUILD_BASENAME="$(base)" -DKBUILD_MODNAME="$(base)" -D__KBUILD_MODNAME=kmod_$(base)
`;

export interface CheckCommand {
  /** The kernel source tree. */
  srctree: string;
  /** The object's directory relative to the trees, e.g. `mm`. */
  obj: string;
  /** The object's name without `.o`, e.g. `memory`. */
  base: string;
  /** The C file as kbuild passes it (absolute: `$(srctree)/mm/memory.c`). */
  file: string;
}

/**
 * The argument vector kbuild gives `$(CHECK)` for one file, after the shell's word splitting and
 * quote removal (`-DKBUILD_MODNAME='"memory"'` arrives as `-DKBUILD_MODNAME="memory"`).
 */
export function kbuildCheckArgv(c: CheckCommand): string[] {
  const text = KBUILD_6_12_X86_64_CHECK.replaceAll('$(srctree)', c.srctree).replaceAll('$(obj)', c.obj).replaceAll('$(base)', c.base);
  return [...text.trim().split(/\s+/), c.file];
}
