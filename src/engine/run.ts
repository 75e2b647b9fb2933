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
import { analyzeFile, type FileOutcome } from './analyze-file.js';
import { loadCache, saveCache, type CachedOutcomes } from './result-cache.js';

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

export async function runCheck(options: CheckOptions): Promise<RunResult & { cache?: CacheUse }> {
  const started = performance.now();
  const { files, errors } = await collectSourceFiles(options.paths.length ? options.paths : ['.']);
  const ruleIds = selectRules(options.only, options.disable, modesOf(options)).map((r) => r.meta.id);
  const spec: JobSpec = { ruleIds, kernelVersion: options.kernelVersion, prefilter: options.prefilter ?? true, legacyArch: options.legacyArch };
  if (options.cache) {
    const settings = JSON.stringify({ ptelint: options.cache.version, rules: ruleIds, prefilter: spec.prefilter, legacyArch: spec.legacyArch ?? false, kernelVersion: options.kernelVersion ?? null });
    spec.cache = { settings, entries: loadCache(options.cache.dir) };
  }
  const cores = defaultJobs();
  // Workers run compiled JavaScript; from TypeScript sources (tests) the work stays in-process.
  const jobs = existsSync(WORKER_SCRIPT) ? Math.max(1, Math.min(options.jobs ?? cores, cores, files.length)) : 1;
  const order = jobs > 1 ? largestFirst(files) : Int32Array.from(files.keys());
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: jobs - 1 }, () => inWorker(files, order, next, spec));
  // The main thread is one of the jobs: it starts at once, while the workers load their modules.
  const shares = [await drainQueue(files, order, next, spec), ...(await Promise.all(workers))];

  const indexed = shares.flatMap((s) => s.outcomes).sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  const result: RunResult = {
    findings: indexed.flatMap((o) => o.findings).sort(compareFindings),
    errors: [...errors, ...indexed.flatMap((o) => o.errors)].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    incomplete: indexed.flatMap((o) => o.incomplete).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
    summary: { files: 0, functions: 0, findings: 0, durationMs: 0 },
  };
  result.summary.files = shares.reduce((n, s) => n + s.usable, 0);
  result.summary.functions = shares.reduce((n, s) => n + s.functions, 0);
  result.summary.findings = result.findings.length;
  if (options.cache) {
    const used: CachedOutcomes = {};
    for (const s of shares) for (const [key, o] of s.cacheEntries) used[key] = o;
    saveCache(options.cache.dir, used);
    const hits = shares.reduce((n, s) => n + s.cacheHits, 0);
    result.summary.durationMs = Math.round(performance.now() - started);
    return { ...result, cache: { hits, misses: Object.keys(used).length - hits } };
  }
  result.summary.durationMs = Math.round(performance.now() - started);
  return result;
}

export interface JobSpec {
  ruleIds: string[];
  kernelVersion?: CheckOptions['kernelVersion'];
  prefilter: boolean;
  legacyArch?: boolean;
  cache?: { settings: string; entries: CachedOutcomes };
}

/** What one thread did: the outcomes worth keeping (by file index) and the counts of the rest. */
export interface Share {
  /** [index into the file list, outcome] for files with findings, errors or incomplete functions. */
  outcomes: [number, FileOutcome][];
  usable: number;
  functions: number;
  /** With --cache: the outcome of every file this thread looked up, stored or reused. */
  cacheEntries: [string, FileOutcome][];
  cacheHits: number;
}

/**
 * Analyzes files from the shared queue until it is empty. `next` is the queue's head, shared by
 * all threads through a SharedArrayBuffer; `order[k]` is the index of the k-th file to take.
 */
export async function drainQueue(files: SourceFile[], order: Int32Array, next: Int32Array, spec: JobSpec): Promise<Share> {
  const rules = selectRules(spec.ruleIds);
  const share: Share = { outcomes: [], usable: 0, functions: 0, cacheEntries: [], cacheHits: 0 };
  for (let k = Atomics.add(next, 0, 1); k < order.length; k = Atomics.add(next, 0, 1)) {
    const index = order[k];
    const o = analyzeFile(files[index], { rules, kernelVersion: spec.kernelVersion, prefilter: spec.prefilter, legacyArch: spec.legacyArch, cache: spec.cache });
    if (o.cacheKey) {
      const { cacheKey, cached, ...stored } = o;
      share.cacheEntries.push([cacheKey, stored]);
      if (cached) share.cacheHits++;
    }
    if (o.usable) share.usable++;
    share.functions += o.functions;
    if (o.findings.length || o.errors.length || o.incomplete.length) share.outcomes.push([index, o]);
    // tree-sitter frees native trees only when the event loop turns: a synchronous loop over a
    // whole kernel tree has been seen to grow past 20 GB. Only parsed files made any.
    if (o.scanned && !o.cached) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return share;
}

/** File indexes, largest file first (ties in file order), so the last files taken are short. */
function largestFirst(files: SourceFile[]): Int32Array {
  const sizes = files.map((f) => {
    try {
      return statSync(f.absolute).size;
    } catch {
      return 0; // reported when the thread that takes it tries to read it
    }
  });
  return Int32Array.from(files.keys()).sort((a, b) => sizes[b] - sizes[a] || a - b);
}

function inWorker(files: SourceFile[], order: Int32Array, next: Int32Array, spec: JobSpec): Promise<Share> {
  return new Promise<Share>((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: { files, order, next, spec } });
    let share: Share | undefined;
    worker.on('message', (s: Share) => (share = s));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 && share ? resolve(share) : reject(new Error(`worker exited with code ${code}`))));
  });
}
