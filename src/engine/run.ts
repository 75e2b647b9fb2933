// `ptelint check`: paths -> files -> findings, in one thread or in --jobs worker threads. Output
// is sorted at the end, so it is the same bytes whatever the number of jobs.

import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { compareFindings, type RunResult } from '../finding.js';
import { collectSourceFiles, type SourceFile } from '../input/paths.js';
import type { CheckOptions } from './run-options.js';
import { modesOf, selectRules } from './registry.js';
import { analyzeFile, analyzeSourceText, type FileOutcome } from './analyze-file.js';
import { selectFiles } from '../input/select-files.js';
import { errorOrder } from '../report/order.js';
import { decodeSource } from '../input/read-source.js';
import path from 'node:path';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.js', import.meta.url));

export async function runCheck(options: CheckOptions): Promise<RunResult> {
  const started = performance.now();
  const collected = options.stdin ? { files: [], errors: [] } : await collectSourceFiles(options.paths.length ? options.paths : ['.']);
  const files = selectFiles(collected.files, options);
  const errors = collected.errors;
  const ruleIds = selectRules(options.only, options.disable, modesOf(options)).map((r) => r.meta.id);
  const prefilter = options.prefilter ?? true;
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, files.length));
  // Workers run compiled JavaScript; from TypeScript sources (tests) the work stays in-process.
  const outcomes = options.stdin
    ? [stdinOutcome(options.stdin, { ruleIds, options, prefilter })]
    : jobs > 1 && existsSync(WORKER_SCRIPT)
      ? await inWorkers(files, jobs, { ruleIds, options, prefilter })
      : await inProcess(files, { ruleIds, options, prefilter });

  const result: RunResult = {
    findings: outcomes.flatMap((o) => o.findings).sort(compareFindings),
    errors: [...errors, ...outcomes.flatMap((o) => o.errors)].sort(errorOrder),
    incomplete: outcomes.flatMap((o) => o.incomplete).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
    summary: { files: outcomes.filter((o) => o.usable).length, functions: 0, findings: 0, durationMs: 0 },
  };
  result.summary.functions = outcomes.reduce((n, o) => n + o.functions, 0);
  result.summary.findings = result.findings.length;
  result.summary.durationMs = Math.round(performance.now() - started);
  return result;
}

interface JobSpec {
  ruleIds: string[];
  options: CheckOptions;
  prefilter: boolean;
}

async function inProcess(files: SourceFile[], spec: JobSpec): Promise<FileOutcome[]> {
  const rules = selectRules(spec.ruleIds);
  const out: FileOutcome[] = [];
  const progress = progressCounter(files.length, spec.options);
  for (const file of files) {
    out.push(await analyzeFile(file, { rules, kernelVersion: spec.options.kernelVersion, prefilter: spec.prefilter, legacyArch: spec.options.legacyArch, profile: spec.options.profile }));
    progress(out[out.length - 1]);
    // tree-sitter frees native trees only when the event loop turns: a synchronous loop over a
    // whole kernel tree has been seen to grow past 20 GB.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

function inWorkers(files: SourceFile[], jobs: number, spec: JobSpec): Promise<FileOutcome[]> {
  const out: FileOutcome[] = new Array(files.length);
  const progress = progressCounter(files.length, spec.options);
  const shares: number[][] = Array.from({ length: jobs }, () => []);
  files.forEach((_, i) => shares[i % jobs].push(i));
  return Promise.all(
    shares.map(
      (indexes) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER_SCRIPT, {
            workerData: {
              files: indexes.map((i) => files[i]),
              ruleIds: spec.ruleIds,
              kernelVersion: spec.options.kernelVersion,
              prefilter: spec.prefilter,
              legacyArch: spec.options.legacyArch,
              profile: spec.options.profile,
            },
          });
          let next = 0;
          worker.on('message', (o: FileOutcome) => {
            out[indexes[next++]] = o;
            progress(o);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 && next === indexes.length ? resolve() : reject(new Error(`worker exited with code ${code} after ${next} of ${indexes.length} files`))));
        }),
    ),
  ).then(() => out);
}

function progressCounter(total: number, options: CheckOptions): (outcome: FileOutcome) => void {
  let done = 0;
  let functions = 0;
  return (outcome) => {
    done++;
    functions += outcome.functions;
    options.onProgress?.({ done, total, functions });
  };
}

/** `ptelint check -`: the standard input's bytes, refused or analyzed like a file of that name. */
function stdinOutcome(stdin: { name: string; bytes: Buffer }, spec: JobSpec): FileOutcome {
  const file = { display: stdin.name, absolute: path.resolve(stdin.name) };
  const decoded = decodeSource(stdin.name, stdin.bytes);
  if ('error' in decoded) return { findings: [], incomplete: [], errors: [decoded.error], functions: 0, usable: false };
  return analyzeSourceText(file, decoded.text, {
    rules: selectRules(spec.ruleIds),
    kernelVersion: spec.options.kernelVersion,
    prefilter: spec.prefilter,
    legacyArch: spec.options.legacyArch,
  });
}
