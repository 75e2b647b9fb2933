// One file on disk -> its findings: read it (refusing unusable input), pick the kernel semantics,
// analyze. Shared by the in-process loop and the worker threads of --jobs.

import type { Finding, Incomplete, InputError } from '../finding.js';
import type { SourceFile } from '../input/paths.js';
import { readSource } from '../input/read-source.js';
import { detectKernelVersion } from '../input/kernel-tree.js';
import { NEWEST_KERNEL, type KernelVersion } from '../kernel-version.js';
import { analyzeText, mentionsAnyKeyword } from './analyze.js';
import type { Rule } from './define-rule.js';
import type { ConfigProfile } from '../lang/preprocess/config-profile.js';

export interface FileOutcome {
  findings: Finding[];
  incomplete: Incomplete[];
  errors: InputError[];
  /** Functions parsed and analyzed. */
  functions: number;
  /** The file could be read (an unusable file counts in `errors`, not in the summary's files). */
  usable: boolean;
}

export interface FileAnalysisOptions {
  rules: Rule[];
  kernelVersion?: KernelVersion;
  prefilter: boolean;
  legacyArch?: boolean;
  profile?: ConfigProfile;
}

/**
 * The tree's Makefile decides the semantics when there is one, else --kernel-version, else the
 * newest (issue "ptelint end to end", DESIGN Part 1 "Kernel versions").
 */
export function versionFor(file: SourceFile, flag: KernelVersion | undefined): KernelVersion {
  return detectKernelVersion(file.absolute) ?? flag ?? NEWEST_KERNEL;
}

export async function analyzeFile(file: SourceFile, options: FileAnalysisOptions): Promise<FileOutcome> {
  const read = await readSource(file);
  if ('error' in read) return { findings: [], incomplete: [], errors: [read.error], functions: 0, usable: false };
  return analyzeSourceText(file, read.text, options);
}

/** Text already read (from disk, or standard input for `ptelint check -`) -> its outcome. */
export function analyzeSourceText(file: SourceFile, text: string, options: FileAnalysisOptions): FileOutcome {
  // Most of a kernel tree cannot match any rule: do not even slice it.
  if (options.prefilter && !mentionsAnyKeyword(text, options.rules)) {
    return { findings: [], incomplete: [], errors: [], functions: 0, usable: true };
  }
  try {
    const r = analyzeText(file.display, text, {
      rules: options.rules,
      kernelVersion: versionFor(file, options.kernelVersion),
      prefilter: options.prefilter,
      legacyArch: options.legacyArch ?? false,
      profile: options.profile,
    });
    return { findings: r.findings, incomplete: r.incomplete, errors: [], functions: r.analyzed, usable: true };
  } catch (error) {
    // An analyzer bug on one file must not end the run; it is reported against that file.
    const message = error instanceof Error ? error.message : String(error);
    return { findings: [], incomplete: [], errors: [{ file: file.display, message: `internal error while analyzing: ${message}` }], functions: 0, usable: true };
  }
}
