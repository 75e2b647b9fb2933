// A real build's configuration as a ConfigProfile: the macros of the compiler's command line and
// the Kconfig symbols of the build's include/generated/autoconf.h (`ptelint kbuild`).

import { DEFAULT_PROFILE, X86_ARCH_MACROS, type ConfigProfile } from './config-profile.js';

/** One `-D`/`-U` of a command line: a value, `null` (defined, value unknown) or `false` (`-U`). */
export interface MacroSetting {
  name: string;
  value: number | null | false;
}

export interface BuildConfiguration {
  /** `-D` and `-U` in command-line order (gcc applies them in that order). */
  commandLine: readonly MacroSetting[];
  /** The symbols autoconf.h defines; absent when the build's configuration was not found. */
  autoconf?: Readonly<Record<string, number | null>>;
}

/**
 * An integer literal as `#if` reads it (`1`, `0x1000`, `4096UL`, `-1`); anything else (a string,
 * an expression) is a value the evaluator cannot use: `null`.
 */
export function macroValue(text: string): number | null {
  const m = /^\s*(-?)\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)[uUlL]*\s*$/.exec(text);
  if (!m) return null;
  const digits = m[2];
  const value = /^0[xX]/.test(digits) ? Number.parseInt(digits, 16) : /^0\d/.test(digits) ? Number.parseInt(digits, 8) : Number(digits);
  return m[1] ? -value : value;
}

/**
 * The profile of one build. With autoconf.h, every CONFIG_* it does not define is undefined, as in
 * the compiler; without it, the default profile's policy stays and only the command line is added.
 * The command line comes first and autoconf.h last: gcc applies -D/-U before the `-include`d
 * kconfig.h pulls autoconf.h in, so autoconf.h wins where both name a symbol.
 */
export function profileForBuild(build: BuildConfiguration): ConfigProfile {
  const symbols: Record<string, number | null | false> = build.autoconf ? {} : { ...DEFAULT_PROFILE.symbols };
  for (const s of build.commandLine) symbols[s.name] = s.value;
  if (build.autoconf) Object.assign(symbols, build.autoconf);
  const defined = (name: string): boolean => symbols[name] !== undefined && symbols[name] !== false;
  if (build.autoconf) {
    // Macros the analysis would otherwise take from headers it does not follow: the word size
    // (include/asm-generic/bitsperlong.h) and x86's page-table helpers (arch/x86/include/asm/pgtable.h)
    // that replace the generic fallbacks of include/linux/pgtable.h.
    const bits = defined('CONFIG_64BIT') ? 64 : 32;
    symbols.BITS_PER_LONG ??= bits;
    symbols.__BITS_PER_LONG ??= bits;
    if (defined('CONFIG_X86')) for (const name of X86_ARCH_MACROS) symbols[name] ??= 1;
  }
  return {
    name: build.autoconf ? 'autoconf.h' : `${DEFAULT_PROFILE.name} + command line`,
    symbols: Object.freeze(symbols),
    unlistedConfig: build.autoconf ? 'undefined' : 'enabled',
  };
}
