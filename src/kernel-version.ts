// Which kernel's semantics to apply: shared vocabulary of input, analysis and CLI, like finding.ts.
// They differ (docs/architecture.md, "Kernel versions"): 6.1's pte_mkuffd_wp() leaves the write bit
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

/**
 * The stable series a mail's subject names: `[PATCH 6.1 12/98]`, `[PATCH 6.12.y]`,
 * `[PATCH 5.15.y v2 1/3]` (stable backports are posted so). Undefined when the bracket names none.
 */
export function versionFromSubject(subject: string): KernelVersion | undefined {
  for (const bracket of subject.slice(0, 300).matchAll(/\[([^\]]{0,200})\]/g)) {
    for (const token of bracket[1].split(/\s+/)) {
      const m = /^([2-9])\.(\d{1,2})(?:\.(?:y|\d{1,3}))?$/.exec(token);
      if (m) return { major: Number(m[1]), minor: Number(m[2]) };
    }
  }
  return undefined;
}
