// The harness shared by the mutation tests on real kernel functions (test/corpus/mutations*.test.ts,
// 6.12 and 6.1 trees from scripts/kernel-corpus.sh). A case edits one function of a real file in
// memory (test/corpus/mutate.ts: an exact snippet that must occur once inside that function) and
// checkMutation() asserts the standard triple: the pristine function is silent for the rule, the
// mutated function reports it at the line(s) found by lineNear(), and no other rule newly fires in
// the function. Each test file keeps its cases and its own extra checks; only this loop is shared,
// so that the assertions cannot drift apart between rule families. Kernel text is read at test
// time only and never stored.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeText } from '../../src/engine/analyze.js';
import type { Rule } from '../../src/engine/define-rule.js';
import { defaultRules } from '../../src/engine/registry.js';
import type { Finding } from '../../src/finding.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { kernelTree, missingKernelTree } from '../inputs.js';
import { lineNear, mutateFunction, type Mutation } from './mutate.js';

export type Version = '6.12' | '6.1';

export type Result = ReturnType<typeof analyzeText>;

/** Where a rule must fire: the nearest occurrence of `needle` to the edit, inside the function. */
export interface Needle {
  needle: string;
  direction?: 'forward' | 'backward';
}

export interface MutationCase {
  name: string;
  version: Version;
  file: string;
  fn: string;
  find: string;
  replace: string;
  /** The rule that must fire in the mutated function. */
  rule: string;
  /** Where it must fire; with several needles, at each of their lines. */
  at: Needle | Needle[];
  /** Rules other than `rule` allowed (and required) to newly fire at the same line(s). */
  alsoAt?: string[];
  /** Rules other than `rule` allowed, but not required, to newly fire in the function. */
  mayAlsoFire?: string[];
  /** `rule` fires at exactly the `at` lines and nowhere else in the function (default: at least there). */
  exact?: boolean;
  /** The message every finding of `rule` at the `at` lines must match. */
  message?: RegExp;
  /** Extra checks on the function's findings after and before the edit. */
  extra?(mutated: Finding[], pristine: Finding[], line: number): void;
  /** Analyze with --legacy-arch semantics (pristine and mutated alike). */
  legacyArch?: boolean;
}

export interface AnalyzeOptions {
  /** Default: defaultRules(), the set a user runs. Off-by-default rules are passed explicitly. */
  rules?: Rule[];
  legacyArch?: boolean;
}

export interface Analyzed {
  path: string;
  text: string;
  result: Result;
}

const trees = new Map<Version, string>();

export function tree(version: Version): string {
  let t = trees.get(version);
  if (!t) {
    t = kernelTree(version);
    trees.set(version, t);
  }
  return t;
}

export function analyze(version: Version, filePath: string, text: string, options: AnalyzeOptions = {}): Result {
  const kernelVersion = parseKernelVersion(version);
  if (!kernelVersion) throw new Error(`bad version ${version}`);
  return analyzeText(filePath, text, { rules: options.rules ?? defaultRules(), kernelVersion, legacyArch: options.legacyArch });
}

const pristineCache = new Map<string, Analyzed>();

/** The unedited file, analyzed once per version, file and options. */
export function pristine(version: Version, file: string, options: AnalyzeOptions = {}): Analyzed {
  const rules = options.rules ?? defaultRules();
  const key = `${version}:${file}:${options.legacyArch ?? false}:${rules.map((r) => r.meta.id).join(',')}`;
  let a = pristineCache.get(key);
  if (!a) {
    const p = path.join(tree(version), file);
    const text = readFileSync(p, 'utf8');
    a = { path: p, text, result: analyze(version, p, text, { ...options, rules }) };
    pristineCache.set(key, a);
  }
  return a;
}

/** The function was parsed and analyzed: otherwise "no finding" would prove nothing. */
export function expectAnalyzed(result: Result, fn: string): void {
  expect(result.functionNames, `${fn} is found by the slicer`).toContain(fn);
  expect(result.incomplete.filter((i) => i.function === fn), `${fn} parses completely`).toEqual([]);
}

export function inFunction(findings: Finding[], fn: string): Finding[] {
  return findings.filter((f) => f.function === fn);
}

export function brief(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.function}:${f.line}: ${f.message}`);
}

export function countByRule(findings: Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
  return m;
}

export interface MutationOutcome {
  base: Analyzed;
  mutation: Mutation;
  /** Findings in the function, before and after the edit. */
  before: Finding[];
  after: Finding[];
  /** The line of the first `at` needle, and those of all of them. */
  line: number;
  lines: number[];
}

const ascending = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/**
 * The standard assertions of a mutation case, analyzed with `options.rules` (default
 * defaultRules()): "no other rule newly fires" is checked against that same rule set.
 */
export function checkMutation(c: MutationCase, options: { rules?: Rule[] } = {}): MutationOutcome {
  const opts: AnalyzeOptions = { rules: options.rules, legacyArch: c.legacyArch };
  const base = pristine(c.version, c.file, opts);
  expectAnalyzed(base.result, c.fn);
  const before = inFunction(base.result.findings, c.fn);
  const also = c.alsoAt ?? [];
  for (const rule of [c.rule, ...also]) {
    expect(brief(before.filter((f) => f.rule === rule)), `pristine ${c.fn} has no ${rule}`).toEqual([]);
  }

  const mutation = mutateFunction(base.text, c.fn, c.find, c.replace);
  const lines = (Array.isArray(c.at) ? c.at : [c.at]).map((a) => lineNear(mutation, a.needle, a.direction));
  const mutated = analyze(c.version, base.path, mutation.text, opts);
  expectAnalyzed(mutated, c.fn);
  const after = inFunction(mutated.findings, c.fn);

  const where = lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}`;
  for (const rule of [c.rule, ...also]) {
    const got = after.filter((f) => f.rule === rule).map((f) => f.line);
    const what = `${rule} in mutated ${c.fn} at ${where}; got ${JSON.stringify(brief(after))}`;
    if (c.exact && rule === c.rule) expect(ascending(got), what).toEqual(ascending(lines));
    else for (const line of lines) expect(got, what).toContain(line);
  }
  if (c.message) {
    for (const f of after.filter((x) => x.rule === c.rule && lines.includes(x.line))) expect(f.message).toMatch(c.message);
  }

  // No other rule newly fires in the function.
  const allowed = new Set([c.rule, ...also, ...(c.mayAlsoFire ?? [])]);
  const beforeCounts = countByRule(before);
  for (const [rule, n] of countByRule(after)) {
    if (allowed.has(rule)) continue;
    expect(n, `${rule} newly fires in mutated ${c.fn}: ${JSON.stringify(brief(after))}`).toBeLessThanOrEqual(
      beforeCounts.get(rule) ?? 0,
    );
  }
  c.extra?.(after, before, lines[0]);
  return { base, mutation, before, after, line: lines[0], lines };
}

/** One test per case, named `<version> <file> <name>`, under `title`. */
export function describeMutations(title: string, cases: MutationCase[], options: { rules?: Rule[] } = {}): void {
  describe(title, () => {
    for (const c of cases) {
      test.skipIf(missingKernelTree(c.version))(`${c.version} ${c.file} ${c.name}`, () => {
        checkMutation(c, options);
      });
    }
  });
}
