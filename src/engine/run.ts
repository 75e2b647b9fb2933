// `ptelint check`: paths -> files -> findings, on the main thread and --jobs - 1 worker threads.
// Every thread takes its next file from one shared queue (largest first, so that no thread is left
// with memory.c at the end) and reads it itself, synchronously. Outcomes are merged back in file
// order and sorted, so the output is the same bytes whatever the number of jobs.

import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { compareFindings, type RunResult } from '../finding.js';
import { collectSourceFiles, type SourceFile } from '../input/paths.js';
import type { CheckOptions } from './run-options.js';
import { modesOf, selectRules } from './registry.js';
import { analyzeFile, analyzeReadBytes, type FileOutcome } from './analyze-file.js';
import { selectFiles } from '../input/select-files.js';
import { errorOrder } from '../result-order.js';
import { checkSourceBytes } from '../input/read-source.js';
import path from 'node:path';
import { loadCache, saveCache, type CacheEntry, type CachedOutcomes, type CacheStrategy } from './result-cache.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.js', import.meta.url));

/** What --jobs defaults to, and its ceiling: more threads than cores only add contention. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** How much of a --cache run came from the cache. */
export interface CacheUse {
  /** Files whose outcome was reused. */
  hits: number;
  /** Files analysed (and stored). */
  misses: number;
}

export async function runCheck(options: CheckOptions): Promise<RunResult & { cache?: CacheUse; jobs?: number }> {
  const started = performance.now();
  const collected = options.stdin ? { files: [], errors: [] } : await collectSourceFiles(options.paths.length ? options.paths : ['.']);
  const files = selectFiles(collected.files, options);
  const errors = collected.errors;
  const ruleIds = selectRules(options.only, options.disable, modesOf(options)).map((r) => r.meta.id);
  const spec: JobSpec = { ruleIds, kernelVersion: options.kernelVersion, prefilter: options.prefilter ?? true, legacyArch: options.legacyArch, profile: options.profile };
  if (options.stdin) return stdinResult(options.stdin, spec, started);
  if (options.cache) {
    const settings = JSON.stringify({ ptelint: options.cache.version, rules: ruleIds, prefilter: spec.prefilter, legacyArch: spec.legacyArch ?? false, kernelVersion: options.kernelVersion ?? null, profile: options.profile ?? null });
    spec.cache = { settings, strategy: options.cache.strategy ?? 'content', entries: loadCache(options.cache.dir) };
  }
  const cores = defaultJobs();
  // Workers run compiled JavaScript; from TypeScript sources (tests) the work stays in-process.
  const allowed = existsSync(WORKER_SCRIPT) ? Math.max(1, Math.min(options.jobs ?? cores, cores, files.length)) : 1;
  const plan = allowed > 1 ? planThreads(files, allowed, options.bytesPerJob) : { jobs: 1, order: Int32Array.from(files.keys()) };
  const { jobs, order } = plan;
  const counters = new Int32Array(new SharedArrayBuffer(4 * COUNTERS));
  const workers = Array.from({ length: jobs - 1 }, () => inWorker(files, order, counters, spec));
  // The main thread is one of the jobs: it starts at once, while the workers load their modules.
  // It also reports the progress of all of them, read from the shared counters.
  const progress = options.onProgress && (() => options.onProgress!({ done: Atomics.load(counters, DONE), total: files.length, functions: Atomics.load(counters, FUNCTIONS) }));
  const shares = [await drainQueue(files, order, counters, spec, progress), ...(await Promise.all(workers))];

  const indexed = shares.flatMap((s) => s.outcomes).sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  const result: RunResult = {
    findings: indexed.flatMap((o) => o.findings).sort(compareFindings),
    errors: [...errors, ...indexed.flatMap((o) => o.errors)].sort(errorOrder),
    incomplete: indexed.flatMap((o) => o.incomplete).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
    summary: { files: 0, functions: 0, findings: 0, durationMs: 0 },
  };
  result.summary.files = shares.reduce((n, s) => n + s.usable, 0);
  result.summary.functions = shares.reduce((n, s) => n + s.functions, 0);
  result.summary.findings = result.findings.length;
  if (options.cache) {
    const used: CachedOutcomes = {};
    for (const s of shares) for (const [key, o] of s.cacheEntries) used[key] = o;
    const hits = shares.reduce((n, s) => n + s.cacheHits, 0);
    // Every entry used came from the cache and no other was there: the file would be written
    // again as it is (0.1 s for the 11 MB of a whole tree's metadata entries).
    const unchanged = hits === Object.keys(used).length && hits === Object.keys(spec.cache!.entries).length;
    if (!unchanged) saveCache(options.cache.dir, used);
    result.summary.durationMs = Math.round(performance.now() - started);
    return { ...result, cache: { hits, misses: Object.keys(used).length - hits }, jobs };
  }
  result.summary.durationMs = Math.round(performance.now() - started);
  return { ...result, jobs };
}

export interface JobSpec {
  ruleIds: string[];
  kernelVersion?: CheckOptions['kernelVersion'];
  prefilter: boolean;
  legacyArch?: boolean;
  profile?: CheckOptions['profile'];
  cache?: { settings: string; strategy: CacheStrategy; entries: CachedOutcomes };
}

// The threads share three counters: the queue's head (the next file to take), the files done and
// the functions analyzed (the last two only for the progress display).
const HEAD = 0;
const DONE = 1;
const FUNCTIONS = 2;
const COUNTERS = 3;

/** What one thread did: the outcomes worth keeping (by file index) and the counts of the rest. */
export interface Share {
  /** [index into the file list, outcome] for files with findings, errors or incomplete functions. */
  outcomes: [number, FileOutcome][];
  usable: number;
  functions: number;
  /** With --cache: the outcome of every file this thread looked up, stored or reused. */
  cacheEntries: [string, CacheEntry][];
  cacheHits: number;
}

/**
 * Analyzes files from the shared queue until it is empty. `counters` (HEAD, DONE, FUNCTIONS) are
 * shared by all threads through a SharedArrayBuffer; `order[k]` is the index of the k-th file to
 * take. `progress` is called after each file this thread does.
 */
export async function drainQueue(files: SourceFile[], order: Int32Array, counters: Int32Array, spec: JobSpec, progress?: () => void): Promise<Share> {
  const rules = selectRules(spec.ruleIds);
  const share: Share = { outcomes: [], usable: 0, functions: 0, cacheEntries: [], cacheHits: 0 };
  for (let k = Atomics.add(counters, HEAD, 1); k < order.length; k = Atomics.add(counters, HEAD, 1)) {
    const index = order[k];
    const o = analyzeFile(files[index], { rules, kernelVersion: spec.kernelVersion, prefilter: spec.prefilter, legacyArch: spec.legacyArch, profile: spec.profile, cache: spec.cache });
    if (o.cache) {
      share.cacheEntries.push([o.cache.key, o.cache.entry]);
      if (o.cache.hit) share.cacheHits++;
    }
    if (o.usable) share.usable++;
    share.functions += o.functions;
    if (o.findings.length || o.errors.length || o.incomplete.length) share.outcomes.push([index, o]);
    Atomics.add(counters, FUNCTIONS, o.functions);
    Atomics.add(counters, DONE, 1);
    progress?.();
    // tree-sitter frees native trees only when the event loop turns: a synchronous loop over a
    // whole kernel tree has been seen to grow past 20 GB. Only parsed files made any.
    if (o.scanned && !o.cache?.hit) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return share;
}

/**
 * Source bytes that pay for one more thread. A worker starts its first file about 0.15 s after
 * the main thread (loading the bundle and tree-sitter in its own isolate), then runs its first
 * files at half speed while both isolates compile their hot code on a two-core machine: on 6.12
 * mm/ (5.3 MiB) two threads took 1.21 s against 1.19 s for one, and 2.04 s of CPU against 1.80 s.
 * Below this many bytes per thread the main thread does the work alone.
 */
export const BYTES_PER_JOB = 16 * 1024 * 1024;

/** The threads worth starting for files of these sizes, at most `allowed` (the main one included). */
export function jobsFor(sizes: readonly number[], allowed: number, bytesPerJob = BYTES_PER_JOB): number {
  const bytes = sizes.reduce((n, size) => n + size, 0);
  return Math.max(1, Math.min(allowed, Math.floor(bytes / bytesPerJob)));
}

/**
 * How many threads, and the order in which they take the files. Sizes are read only until the
 * files are known to pay for every allowed thread: statting all 59,952 files of a whole kernel
 * tree took 0.23 s on the main thread before any thread started work, for an order that matters
 * only when one large file could be left to the end (6.12 mm/: memory.c). A set that big is
 * taken in file order; the files that hold a rule keyword, the ones that cost anything, are about
 * one in seventy there, so no thread is left with a long tail.
 */
export function planThreads(files: readonly SourceFile[], allowed: number, bytesPerJob = BYTES_PER_JOB, sizeOf = fileSize): { jobs: number; order: Int32Array } {
  const enough = allowed * bytesPerJob;
  const sizes: number[] = [];
  let bytes = 0;
  for (const f of files) {
    if (bytes >= enough) return { jobs: allowed, order: Int32Array.from(files.keys()) };
    const size = sizeOf(f);
    sizes.push(size);
    bytes += size;
  }
  const jobs = jobsFor(sizes, allowed, bytesPerJob);
  return { jobs, order: jobs > 1 ? largestFirst(sizes) : Int32Array.from(files.keys()) };
}

function fileSize(f: SourceFile): number {
  try {
    return statSync(f.absolute).size;
  } catch {
    return 0; // reported when the thread that takes it tries to read it
  }
}

/** File indexes, largest file first (ties in file order), so the last files taken are short. */
function largestFirst(sizes: readonly number[]): Int32Array {
  return Int32Array.from(sizes.keys()).sort((a, b) => sizes[b] - sizes[a] || a - b);
}

function inWorker(files: SourceFile[], order: Int32Array, counters: Int32Array, spec: JobSpec): Promise<Share> {
  return new Promise<Share>((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: { files, order, counters, spec } });
    let share: Share | undefined;
    worker.on('message', (s: Share) => (share = s));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 && share ? resolve(share) : reject(new Error(`worker exited with code ${code}`))));
  });
}

/** `ptelint check -`: the standard input's bytes, refused or analyzed like a file of that name. */
function stdinResult(stdin: { name: string; bytes: Buffer }, spec: JobSpec, started: number): RunResult {
  const file = { display: stdin.name, absolute: path.resolve(stdin.name) };
  const o = analyzeReadBytes(file, checkSourceBytes(file, stdin.bytes), {
    rules: selectRules(spec.ruleIds),
    kernelVersion: spec.kernelVersion,
    prefilter: spec.prefilter,
    legacyArch: spec.legacyArch,
    profile: spec.profile,
  });
  return {
    findings: [...o.findings].sort(compareFindings),
    errors: o.errors,
    incomplete: o.incomplete,
    summary: { files: o.usable ? 1 : 0, functions: o.functions, findings: o.findings.length, durationMs: Math.round(performance.now() - started) },
  };
}
