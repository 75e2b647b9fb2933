// `ptelint check --cache [dir]`: the outcome of each analysed file, kept between runs, so a CI gate
// that re-scans a tree re-analyses only what changed (as ESLint's --cache, and its two
// --cache-strategy values). An entry's key hashes everything the outcome depends on: the ptelint
// version, the rule set and options, the kernel semantics applied and the path as printed, and
// - with the content strategy (the default), the file's bytes. Files without any rule keyword are
//   not cached: the keyword prefilter rejects them faster than their bytes could be hashed. Safe
//   wherever the files come from (a fresh CI checkout gives every file a new mtime).
// - with the metadata strategy, nothing of the file: the entry holds the file's stamp (size,
//   mtime, ctime, inode) and is reused while a stat gives the same stamp, so an unchanged file is
//   not even read. Every file is kept, with or without keywords: a re-scan of a whole 6.12 tree
//   then lists and stats 59,952 files instead of reading 1.34 GB. A file rewritten in place, to
//   the same size, within one tick of the file system's clock looks unchanged: as with make, that
//   is the price of not reading it, acceptable in a developer's own tree.
//
// One JSON file per cache directory, rewritten (through a temporary file and a rename) after each
// run with only the entries that run used, so it never grows beyond one tree's analysed files.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FileOutcome } from './analyze-file.js';
import type { KernelVersion } from '../kernel-version.js';

const CACHE_FILE = 'check-results.json';
const FORMAT = 2;

export type CacheStrategy = 'content' | 'metadata';
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['content', 'metadata'];

/** The outcome a file gave, as kept between runs. */
export interface CacheEntry {
  /** Metadata strategy: the file's stamp when it was read (fileStamp). */
  stamp?: string;
  /** Absent for a file without any rule keyword (metadata strategy: kept so it is not read again). */
  outcome?: StoredOutcome;
}

/** An outcome without what only concerns the run that made it. */
export type StoredOutcome = Omit<FileOutcome, 'cache'>;

export type CachedOutcomes = Record<string, CacheEntry>;

/**
 * The default cache directory: node_modules/.cache/ptelint when the current directory has a
 * node_modules (where JavaScript tools keep caches; ptelint never scans node_modules), otherwise
 * ptelint/ under $XDG_CACHE_HOME or ~/.cache. Never the current directory itself, which is often
 * the kernel tree being scanned.
 */
export function defaultCacheDir(cwd = process.cwd(), env: Record<string, string | undefined> = process.env): string {
  if (existsSync(path.join(cwd, 'node_modules'))) return path.join(cwd, 'node_modules', '.cache', 'ptelint');
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'ptelint');
}

/** The entries of the cache in `dir`; an absent, unreadable or foreign file is an empty cache. */
export function loadCache(dir: string): CachedOutcomes {
  try {
    const data = JSON.parse(readFileSync(path.join(dir, CACHE_FILE), 'utf8')) as { format?: number; entries?: CachedOutcomes };
    return data.format === FORMAT && data.entries && typeof data.entries === 'object' ? data.entries : {};
  } catch {
    return {};
  }
}

export function saveCache(dir: string, entries: CachedOutcomes): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, CACHE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ format: FORMAT, entries }));
  renameSync(temporary, file);
}

/** The key of one file's outcome: `settings` (version, rules, options, semantics), its path and its bytes. */
export function cacheKey(settings: string, display: string, bytes: Uint8Array): string {
  return createHash('sha256').update(settings).update('\0').update(display).update('\0').update(bytes).digest('hex');
}

/**
 * The key of one file's entry under the metadata strategy: settings, semantics and path. Not a
 * hash of them: a hash per file was 0.16 s of the 1.9 s a warm re-scan of a whole tree took
 * (--jobs 1, CPU profile), so only the settings are hashed, once, and the path is kept as it is.
 */
export function metadataKey(settings: string, version: KernelVersion, display: string): string {
  let digest = settingsDigests.get(settings);
  if (digest === undefined) {
    digest = createHash('sha256').update(settings).digest('hex').slice(0, 16);
    settingsDigests.set(settings, digest);
  }
  return `metadata:${digest}:${version.major}.${version.minor}:${display}`;
}

const settingsDigests = new Map<string, string>();

/**
 * What tells a file's content changed without reading it: size, modification and change times
 * (nanoseconds) and inode (a file replaced by a rename). Undefined when the file cannot be
 * statted: it is then read, and refused, as without a cache.
 */
export function fileStamp(absolute: string): string | undefined {
  try {
    const s = statSync(absolute, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
  } catch {
    return undefined;
  }
}
