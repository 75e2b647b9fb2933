// Which kernel's semantics to apply: shared vocabulary of input, analysis and CLI, like finding.ts.
// They differ (DESIGN Part 1, "Kernel versions"): 6.1's pte_mkuffd_wp() leaves the write bit
// alone, 6.5+ clears it (f1eb1bacfba9); API spellings change.

export interface KernelVersion {
  major: number;
  minor: number;
}

/** The newest semantics this release of ptelint knows: used when nothing else says. */
export const NEWEST_KERNEL: KernelVersion = { major: 6, minor: 18 };

export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function formatKernelVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}`;
}

/** a >= b */
export function versionAtLeast(a: KernelVersion, major: number, minor: number): boolean {
  return a.major > major || (a.major === major && a.minor >= minor);
}

/** VERSION / PATCHLEVEL of a top-level kernel Makefile, or undefined if the text is not one. */
export function versionFromMakefile(text: string): KernelVersion | undefined {
  const major = /^VERSION\s*=\s*(\d+)\s*$/m.exec(text);
  const minor = /^PATCHLEVEL\s*=\s*(\d+)\s*$/m.exec(text);
  if (!major || !minor) return undefined;
  return { major: Number(major[1]), minor: Number(minor[1]) };
}
