// Baselines: the known findings of a tree, kept in a reviewable JSON file, so a CI gate fails only
// on what is new. Entries are matched by fingerprint (rule, file, function and the normalized
// statement), never by line, so edits elsewhere in a file do not turn a known finding into a new
// one. The file is sorted and carries no line numbers or timings: rewriting it for an unchanged
// tree gives the same bytes, and a diff of it in review shows exactly what was accepted.

import { readFile, writeFile } from 'node:fs/promises';
import type { Finding } from '../finding.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  rule: string;
  file: string;
  function: string;
  message: string;
  fingerprint: string;
}

export interface Baseline {
  /** Where it was read from, for messages. */
  source: string;
  fingerprints: ReadonlySet<string>;
}

export type BaselineRead = { baseline: Baseline } | { error: string };

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function entryOrder(a: BaselineEntry, b: BaselineEntry): number {
  return compare(a.file, b.file) || compare(a.function, b.function) || compare(a.rule, b.rule) || compare(a.fingerprint, b.fingerprint) || compare(a.message, b.message);
}

/** The baseline file's text for these findings: one entry per fingerprint, sorted, final newline. */
export function formatBaseline(findings: readonly Finding[]): string {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const entry = { rule: f.rule, file: f.file, function: f.function, message: f.message, fingerprint: f.fingerprint };
    const known = byFingerprint.get(f.fingerprint);
    // Two findings can share a fingerprint (the same statement twice in one function); the entry
    // kept must not depend on the order the findings came in.
    if (!known || entryOrder(entry, known) < 0) byFingerprint.set(f.fingerprint, entry);
  }
  const entries = [...byFingerprint.values()].sort(entryOrder);
  return JSON.stringify({ version: BASELINE_VERSION, tool: 'ptelint', findings: entries }, null, 2) + '\n';
}

export async function writeBaseline(file: string, findings: readonly Finding[]): Promise<void> {
  await writeFile(file, formatBaseline(findings));
}

/** Reads and checks a baseline file; every problem is a message naming the file. */
export async function readBaseline(file: string): Promise<BaselineRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `${file}: cannot read the baseline: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error)}` };
  }
  return parseBaseline(file, text);
}

export function parseBaseline(source: string, text: string): BaselineRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { error: `${source}: not a valid baseline: ${(error as Error).message}` };
  }
  const bad = (why: string): BaselineRead => ({ error: `${source}: not a valid baseline: ${why}` });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return bad('expected a JSON object');
  const record = data as Record<string, unknown>;
  if (record.version !== BASELINE_VERSION) return bad(`unsupported version ${JSON.stringify(record.version)} (this ptelint writes version ${BASELINE_VERSION})`);
  if (!Array.isArray(record.findings)) return bad("'findings' must be an array");
  const fingerprints = new Set<string>();
  for (const [i, entry] of record.findings.entries()) {
    const fp = (entry as { fingerprint?: unknown } | null)?.fingerprint;
    if (typeof fp !== 'string' || !/^[0-9a-f]+$/.test(fp)) return bad(`findings[${i}] has no fingerprint (a hexadecimal string)`);
    fingerprints.add(fp);
  }
  return { baseline: { source, fingerprints } };
}

export function inBaseline(baseline: Baseline | undefined, finding: Finding): boolean {
  return baseline !== undefined && baseline.fingerprints.has(finding.fingerprint);
}
