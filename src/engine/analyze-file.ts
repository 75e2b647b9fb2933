// One file on disk -> its findings: read it (refusing unusable input), pick the kernel semantics,
// analyze. Shared by the in-process loop and the worker threads of --jobs. Synchronous: each
// thread reads its next file itself, so reading never waits on the event loop.

import type { Finding, Incomplete, InputError } from '../finding.js';
import type { SourceFile } from '../input/paths.js';
import { decodeSource, readSourceBytes, type ReadBytesResult } from '../input/read-source.js';
import { detectKernelVersionOfFile } from '../input/kernel-tree.js';
import { NEWEST_KERNEL, type KernelVersion } from '../kernel-version.js';
import { analyzeText } from './analyze.js';
import { scannerFor } from './keyword-scanner.js';
import { cacheKey, fileStamp, metadataKey, type CacheEntry, type CachedOutcomes, type CacheStrategy } from './result-cache.js';
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
  /** The file holds a rule keyword (or the prefilter is off), so it was decoded and sliced. */
  scanned: boolean;
  /** With --cache: the file's entry, under its key, and whether it came from the cache (a hit). */
  cache?: { key: string; entry: CacheEntry; hit: boolean };
}

export interface FileAnalysisOptions {
  rules: Rule[];
  kernelVersion?: KernelVersion;
  prefilter: boolean;
  legacyArch?: boolean;
  /** The configuration `#if`s are evaluated with (`ptelint kbuild`: the build's); default x86_64. */
  profile?: ConfigProfile;
  /** --cache: what the outcomes depend on besides the file (result-cache.ts), the strategy and the stored entries. */
  cache?: { settings: string; strategy: CacheStrategy; entries: CachedOutcomes };
}

/**
 * The tree's Makefile decides the semantics when there is one, else --kernel-version, else the
 * newest (docs/architecture.md, "Kernel versions").
 */
export function versionFor(file: SourceFile, flag: KernelVersion | undefined): KernelVersion {
  return detectKernelVersionOfFile(file.absolute) ?? flag ?? NEWEST_KERNEL;
}

/**
 * A file that holds none of the rules' keywords is neither decoded nor sliced: it cannot hold a
 * finding. So a line too long or invalid UTF-8 is reported only for files that pass the prefilter
 * (the others are not analysed at all); a file that cannot be read, is not regular, is too large
 * or is binary is reported whatever it holds, since those checks cost nothing more than the read.
 */
export function analyzeFile(file: SourceFile, options: FileAnalysisOptions): FileOutcome {
  if (options.cache?.strategy === 'metadata') return analyzeUnlessStamped(file, options, options.cache);
  return analyzeReadBytes(file, readFiltered(file, options), options);
}

/** The file's bytes; with the prefilter on, a file too large for the read buffer is kept only if it holds a keyword. */
function readFiltered(file: SourceFile, options: FileAnalysisOptions): ReadBytesResult {
  return readSourceBytes(file, {}, options.prefilter ? scannerFor(options.rules).pieces : undefined);
}

/**
 * The metadata strategy: a file whose stamp is the stored one is not read at all. A file that
 * could not be read is never stored, so its error is reported by every run.
 */
function analyzeUnlessStamped(file: SourceFile, options: FileAnalysisOptions, cache: NonNullable<FileAnalysisOptions['cache']>): FileOutcome {
  const stamp = fileStamp(file.absolute);
  const kernelVersion = versionFor(file, options.kernelVersion);
  const key = metadataKey(cache.settings, kernelVersion, file.display);
  const stored = cache.entries[key];
  if (stamp !== undefined && stored?.stamp === stamp) {
    const outcome = stored.outcome ?? unscanned();
    return { ...outcome, cache: { key, entry: stored, hit: true } };
  }
  const outcome = analyzeReadBytes(file, readFiltered(file, options), { ...options, kernelVersion, cache: undefined });
  if (stamp === undefined || (!outcome.usable && !outcome.scanned)) return outcome;
  return { ...outcome, cache: { key, entry: outcome.scanned ? { stamp, outcome } : { stamp }, hit: false } };
}

function unscanned(): FileOutcome {
  return { findings: [], incomplete: [], errors: [], functions: 0, usable: true, scanned: false };
}

/**
 * Bytes already read and checked (from disk, or standard input for `ptelint check -`) -> the
 * file's outcome.
 */
export function analyzeReadBytes(file: SourceFile, read: ReadBytesResult, options: FileAnalysisOptions): FileOutcome {
  if ('error' in read) return { findings: [], incomplete: [], errors: [read.error], functions: 0, usable: false, scanned: false };
  if ('unwanted' in read) return unscanned();
  if (options.prefilter && !scannerFor(options.rules).inBytes(read.bytes)) return unscanned();
  const kernelVersion = versionFor(file, options.kernelVersion);
  if (!options.cache) return analyzeBytes(file, read.bytes, kernelVersion, options);
  const key = cacheKey(`${options.cache.settings}\0${kernelVersion.major}.${kernelVersion.minor}`, file.display, read.bytes);
  const stored = options.cache.entries[key]?.outcome;
  if (stored) return { ...stored, cache: { key, entry: { outcome: stored }, hit: true } };
  const outcome = analyzeBytes(file, read.bytes, kernelVersion, options);
  return { ...outcome, cache: { key, entry: { outcome }, hit: false } };
}

function analyzeBytes(file: SourceFile, bytes: Buffer, kernelVersion: KernelVersion, options: FileAnalysisOptions): FileOutcome {
  const decoded = decodeSource(file, bytes);
  if ('error' in decoded) return { findings: [], incomplete: [], errors: [decoded.error], functions: 0, usable: false, scanned: true };
  try {
    const r = analyzeText(file.display, decoded.text, {
      rules: options.rules,
      kernelVersion,
      prefilter: options.prefilter,
      legacyArch: options.legacyArch ?? false,
      profile: options.profile,
    });
    return { findings: r.findings, incomplete: r.incomplete, errors: [], functions: r.analyzed, usable: true, scanned: true };
  } catch (error) {
    // An analyzer bug on one file must not end the run; it is reported against that file.
    const message = error instanceof Error ? error.message : String(error);
    return { findings: [], incomplete: [], errors: [{ file: file.display, message: `internal error while analyzing: ${message}` }], functions: 0, usable: true, scanned: true };
  }
}
