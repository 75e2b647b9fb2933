// `ptelint check --cache [dir]`: the outcome of each analysed file, kept between runs, so a CI gate
// that re-scans a tree re-analyses only what changed (as ESLint's --cache). An entry's key hashes
// everything the outcome depends on: the ptelint version, the rule set and options, the kernel
// semantics applied, the path as printed, and the file's bytes. Files without any rule keyword are
// not cached: the keyword prefilter rejects them faster than their bytes could be hashed.
//
// One JSON file per cache directory, rewritten (through a temporary file and a rename) after each
// run with only the entries that run used, so it never grows beyond one tree's analysed files.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FileOutcome } from './analyze-file.js';

const CACHE_FILE = 'check-results.json';
const FORMAT = 1;

export type CachedOutcomes = Record<string, FileOutcome>;

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
