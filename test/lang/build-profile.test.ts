// A real build's configuration (`ptelint kbuild`): autoconf.h and the command line's -D/-U decide
// every conditional, as in the compiler, while the default profile keeps its policy.

import { describe, expect, test } from 'vitest';
import { evaluateConditionals } from '../../src/lang/preprocess/index.js';
import { macroValue, profileForBuild, type MacroSetting } from '../../src/lang/preprocess/build-profile.js';
import { parseAutoconf } from '../../src/input/kbuild-config.js';

/** The code lines evaluateConditionals keeps, trimmed. */
function kept(text: string, profile = profileForBuild({ commandLine: [], autoconf: {} })): string[] {
  const out = evaluateConditionals(text, profile);
  expect(out.length).toBe(text.length);
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

// The shape kconfig writes (scripts/kconfig/confdata.c): y as 1, m as NAME_MODULE 1, int, hex, string.
const AUTOCONF = `/*
 * Automatically generated file; DO NOT EDIT.
 * Linux/x86 6.12.0 Kernel Configuration
 */
#define CONFIG_64BIT 1
#define CONFIG_X86 1
#define CONFIG_X86_64 1
#define CONFIG_MMU 1
#define CONFIG_ZRAM_MODULE 1
#define CONFIG_PGTABLE_LEVELS 4
#define CONFIG_PHYSICAL_START 0x1000000
#define CONFIG_LOCALVERSION ""
#define CONFIG_CC_VERSION_TEXT "gcc (Debian 12.2.0-14+deb12u1) 12.2.0"
`;

const built = (commandLine: MacroSetting[] = []) => profileForBuild({ commandLine, autoconf: parseAutoconf(AUTOCONF) });

describe('parseAutoconf', () => {
  test('reads y, m, int, hex and string symbols', () => {
    const symbols = parseAutoconf(AUTOCONF);
    expect(symbols).toMatchObject({
      CONFIG_64BIT: 1,
      CONFIG_ZRAM_MODULE: 1,
      CONFIG_PGTABLE_LEVELS: 4,
      CONFIG_PHYSICAL_START: 0x1000000,
      CONFIG_LOCALVERSION: null,
      CONFIG_CC_VERSION_TEXT: null,
    });
    expect(Object.keys(symbols)).toHaveLength(9);
  });
});

describe('macroValue', () => {
  test('integer literals as #if reads them; anything else is unknown', () => {
    expect([macroValue('1'), macroValue('0x10'), macroValue('010'), macroValue('4096UL'), macroValue('-1'), macroValue('0')]).toEqual([1, 16, 8, 4096, -1, 0]);
    expect([macroValue('"memory"'), macroValue('kmod_memory'), macroValue('(1 << 2)'), macroValue('')]).toEqual([null, null, null, null]);
  });
});

describe('profileForBuild with autoconf.h', () => {
  test('a CONFIG_* that autoconf.h does not define is off, in #ifdef and in #if', () => {
    const text = '#ifdef CONFIG_TRANSPARENT_HUGEPAGE\nthp();\n#else\nno_thp();\n#endif\n#if CONFIG_SWAP\nswap();\n#endif\n#ifdef CONFIG_MMU\nmmu();\n#endif\n';
    expect(kept(text, built())).toEqual(['no_thp();', 'mmu();']);
    // The default profile, for analysis without a build, still takes the feature arm.
    expect(kept(text, profileForBuild({ commandLine: [] }))).toEqual(['thp();', 'swap();', 'mmu();']);
  });

  test('IS_ENABLED, IS_BUILTIN, IS_MODULE and IS_REACHABLE follow include/linux/kconfig.h for y and m', () => {
    const text = [
      '#if IS_ENABLED(CONFIG_ZRAM)', 'zram_enabled();', '#endif',
      '#if IS_BUILTIN(CONFIG_ZRAM)', 'zram_builtin();', '#endif',
      '#if IS_MODULE(CONFIG_ZRAM)', 'zram_module();', '#endif',
      '#if IS_REACHABLE(CONFIG_ZRAM)', 'zram_reachable();', '#endif',
      '#if IS_ENABLED(CONFIG_MMU) && !IS_MODULE(CONFIG_MMU)', 'mmu_builtin();', '#endif',
      '#if IS_ENABLED(CONFIG_SWAP)', 'swap();', '#endif',
    ].join('\n');
    expect(kept(text, built())).toEqual(['zram_enabled();', 'zram_module();', 'mmu_builtin();']);
    // From a module (kbuild passes -DMODULE), a modular symbol is reachable.
    expect(kept(text, built([{ name: 'MODULE', value: 1 }]))).toEqual(['zram_enabled();', 'zram_module();', 'zram_reachable();', 'mmu_builtin();']);
  });

  test('int symbols compare, string symbols are defined but undecidable', () => {
    const text = '#if CONFIG_PGTABLE_LEVELS > 4\nfive();\n#elif CONFIG_PGTABLE_LEVELS == 4\nfour();\n#endif\n#ifdef CONFIG_LOCALVERSION\nversion();\n#endif\n';
    expect(kept(text, built())).toEqual(['four();', 'version();']);
  });

  test('-D and -U apply before autoconf.h, as gcc applies them before the -include of kconfig.h', () => {
    const text = '#ifdef CONFIG_MMU\nmmu();\n#endif\n#ifdef CONFIG_EXTRA\nextra();\n#endif\n#ifdef MODULE\nmodule();\n#endif\n#if KBUILD_X == 3\nthree();\n#endif\n';
    const profile = built([
      { name: 'CONFIG_MMU', value: false },
      { name: 'CONFIG_EXTRA', value: 1 },
      { name: 'MODULE', value: 1 },
      { name: 'KBUILD_X', value: 3 },
      { name: 'MODULE', value: false },
    ]);
    expect(kept(text, profile)).toEqual(['mmu();', 'extra();', 'three();']);
  });

  test('x86 builds get the x86 page-table helpers and the word size; other architectures keep the generic fallbacks', () => {
    const text = '#ifndef __HAVE_ARCH_PTEP_SET_WRPROTECT\ngeneric_wrprotect();\n#endif\n#if BITS_PER_LONG == 64\nwide();\n#endif\n';
    expect(kept(text, built())).toEqual(['wide();']);
    const arm64 = profileForBuild({ commandLine: [], autoconf: { CONFIG_ARM64: 1, CONFIG_64BIT: 1, CONFIG_MMU: 1 } });
    expect(kept(text, arm64)).toEqual(['generic_wrprotect();', 'wide();']);
    const i386 = profileForBuild({ commandLine: [], autoconf: { CONFIG_X86: 1, CONFIG_X86_32: 1 } });
    expect(kept(text, i386)).toEqual([]);
  });

  test('the file\'s own #define and #undef still win over the configuration', () => {
    const text = '#define CONFIG_LOCAL 1\n#ifdef CONFIG_LOCAL\nlocal();\n#endif\n#undef CONFIG_MMU\n#ifdef CONFIG_MMU\nmmu();\n#endif\n';
    expect(kept(text, built())).toEqual(['local();']);
  });
});
