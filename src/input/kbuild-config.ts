// Where a kbuild compile command's configuration lives, and what it says: the build tree's
// include/generated/autoconf.h, which include/linux/kconfig.h (forced in with -include) pulls in
// as <generated/autoconf.h>. Read-only: this module only stats and reads.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { macroValue } from '../lang/preprocess/build-profile.js';

/** The include-related parts of a compile command, paths as written (relative to the command's directory). */
export interface IncludeFlags {
  /** -I directories, then -isystem and -idirafter: the order gcc searches `#include <...>` in. */
  searchDirs: readonly string[];
  /** -include and -imacros files, in order. */
  forcedIncludes: readonly string[];
}

const AUTOCONF = path.join('generated', 'autoconf.h');

/**
 * The autoconf.h the compiler would read, or undefined. A forced autoconf.h (older kernels, or a
 * hand-written command) is taken as it is; otherwise the first search directory holding
 * generated/autoconf.h, as `#include <generated/autoconf.h>` resolves; last, for a forced
 * kconfig.h, the autoconf.h of its own tree (a build inside the source tree).
 */
export function locateAutoconf(flags: IncludeFlags, cwd: string): string | undefined {
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
  for (const forced of flags.forcedIncludes) {
    const p = path.resolve(cwd, forced);
    if (path.basename(p) === 'autoconf.h' && isFile(p)) return p;
  }
  for (const dir of flags.searchDirs) {
    const p = path.resolve(cwd, dir, AUTOCONF);
    if (isFile(p)) return p;
  }
  for (const forced of flags.forcedIncludes) {
    const p = path.resolve(cwd, forced);
    if (!p.endsWith(path.join('include', 'linux', 'kconfig.h'))) continue;
    const candidate = path.join(path.dirname(path.dirname(p)), AUTOCONF);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The kernel tree a command line builds against: the tree of its forced kconfig.h. Out-of-tree
 * module sources are not inside a kernel tree, so their kernel version comes from here.
 */
export function sourceTreeOf(flags: IncludeFlags, cwd: string): string | undefined {
  for (const forced of flags.forcedIncludes) {
    const p = path.resolve(cwd, forced);
    if (p.endsWith(path.join('include', 'linux', 'kconfig.h'))) return path.dirname(path.dirname(path.dirname(p)));
  }
  return undefined;
}

/**
 * The symbols autoconf.h defines: `#define CONFIG_FOO 1` for `y`, `CONFIG_FOO_MODULE 1` for `m`,
 * numbers for int and hex symbols, `null` for strings. Other lines (comments) carry nothing.
 */
export function parseAutoconf(text: string): Record<string, number | null> {
  const symbols: Record<string, number | null> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*#\s*define\s+([A-Za-z_]\w*)(?:\s+(.*?))?\s*$/.exec(line);
    if (m) symbols[m[1]] = m[2] === undefined ? null : macroValue(m[2]);
  }
  return symbols;
}

export function readAutoconf(file: string): Record<string, number | null> {
  return parseAutoconf(readFileSync(file, 'utf8'));
}
