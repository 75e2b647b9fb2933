// One generic test, one case per fixture file under fixtures/<rule-id>/ (CONTRIBUTING.md; the semgrep
// and Clippy-UI model): the fixture carries its own expectations as trailing comments
// (src/testing/annotations.ts, fixtures/README.md), and EVERY rule runs on EVERY fixture, so one
// rule's noise on another rule's fixture is caught too. Rules that are off by default run as well:
// they are passed explicitly.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { allRules } from '../rules/index.js';
import { analyzeText } from '../src/engine/analyze.js';
import { parseKernelVersion, type KernelVersion } from '../src/kernel-version.js';
import type { Finding } from '../src/finding.js';
import { parseAnnotations, type Annotation } from '../src/testing/annotations.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = 'fixtures';
/** Fixture directories that belong to no rule (parser edge cases). */
const NON_RULE_DIRS = new Set(['engine']);
/** This test handles C sources; patches get their own test. */
const SOURCE_EXTENSIONS = ['.c', '.h'];
const KINDS = ['invalid', 'valid', 'regress'] as const;

const knownRuleIds = new Set(allRules.map((r) => r.meta.id));

function ruleDirs(): string[] {
  return readdirSync(join(ROOT, FIXTURES), { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NON_RULE_DIRS.has(d.name))
    .map((d) => d.name)
    .sort();
}

/** `fixtures/<rule-id>/<file>` paths (posix separators), sorted. */
function fixtureFiles(): string[] {
  const files: string[] = [];
  for (const dir of ruleDirs()) {
    const names = readdirSync(join(ROOT, FIXTURES, dir), { withFileTypes: true })
      .filter((d) => d.isFile() && SOURCE_EXTENSIONS.some((ext) => d.name.endsWith(ext)))
      .map((d) => d.name)
      .sort();
    for (const name of names) files.push(`${FIXTURES}/${dir}/${name}`);
  }
  return files;
}

const key = (rule: string, line: number): string => `${rule}@${line}`;

/** Multiset difference a - b, in a's order. */
function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const k of b) left.set(k, (left.get(k) ?? 0) + 1);
  return a.filter((k) => {
    const n = left.get(k) ?? 0;
    if (n === 0) return true;
    left.set(k, n - 1);
    return false;
  });
}

function keysOf(annotations: Annotation[]): Set<string> {
  return new Set(annotations.map((a) => key(a.rule, a.line)));
}

function describeFinding(f: Finding): string {
  return `${key(f.rule, f.line)}:${f.column} in ${f.function}(): ${f.message}`;
}

/**
 * Checks one fixture and returns every problem found, so a failing case lists all of them at once.
 * @param file `fixtures/<rule-id>/<name>`
 * @returns human-readable problems; empty when the fixture passes
 */
function checkFixture(file: string): string[] {
  const problems: string[] = [];
  const text = readFileSync(join(ROOT, file), 'utf8');
  const dir = file.split('/')[1];
  const name = basename(file);
  const ann = parseAnnotations(text);

  // --- the fixture's form --------------------------------------------------------------------
  for (const p of ann.problems) problems.push(`annotation, line ${p.line}: ${p.message}`);
  if (!knownRuleIds.has(dir)) problems.push(`directory "${dir}" is not a known rule id`);
  const kind = KINDS.find((k) => name.startsWith(`${k}-`));
  if (kind === undefined) problems.push(`file name must start with ${KINDS.map((k) => `${k}-`).join(', ')}`);
  if (kind === 'invalid' && ann.expect.length === 0) problems.push('an invalid-* fixture needs at least one expect:');
  if (kind === 'valid' && ann.expect.length > 0) {
    problems.push(`a valid-* fixture has no expect: (found on lines ${ann.expect.map((a) => a.line).join(', ')})`);
  }
  if (!/^\s*(\/\*|\/\/)/.test(text)) problems.push('a fixture starts with a comment saying what it models');
  for (const a of [...ann.expect, ...ann.ok, ...ann.todoExpect, ...ann.todoOk]) {
    if (!knownRuleIds.has(a.rule)) problems.push(`line ${a.line}: annotation names unknown rule "${a.rule}"`);
  }
  let kernelVersion: KernelVersion | undefined;
  if (ann.kernelVersion !== undefined) {
    kernelVersion = parseKernelVersion(ann.kernelVersion);
    if (kernelVersion === undefined) problems.push(`kernel-version "${ann.kernelVersion}" does not parse`);
  }

  // --- the analysis ------------------------------------------------------------------------------
  // The keyword prefilter stays on, as in `ptelint check`: a rule whose keywords miss a shape it
  // reports would pass with it off and stay silent for users. A second run with it off must agree.
  const result = analyzeText(file, text, { rules: allRules, kernelVersion });
  const unfiltered = analyzeText(file, text, { rules: allRules, kernelVersion, prefilter: false });
  expect(unfiltered.findings.map((f) => `${f.rule}@${f.line}`), 'findings with the keyword prefilter off').toEqual(
    result.findings.map((f) => `${f.rule}@${f.line}`),
  );
  if (result.functions === 0) problems.push('no function found: a fixture holds complete C functions');
  for (const inc of result.incomplete) {
    problems.push(`${inc.function}() at line ${inc.line} did not parse completely: ${inc.reason}`);
  }
  for (const f of result.findings) {
    if (f.file !== file) problems.push(`finding reported against "${f.file}", not "${file}": ${describeFinding(f)}`);
  }

  // --- findings against annotations --------------------------------------------------------------
  const got = result.findings.map((f) => key(f.rule, f.line));
  const todoOk = ann.todoOk.map((a) => key(a.rule, a.line));
  const expected = ann.expect.map((a) => key(a.rule, a.line));

  // A todo-ok is a known false positive: it must still fire. It is taken out before comparing.
  for (const k of minus(todoOk, got)) problems.push(`${k} is silent now: change todo-ok to ok`);
  const firing = minus(got, todoOk);

  for (const k of minus(expected, firing)) problems.push(`missing finding ${k} (expect:)`);
  const ok = keysOf(ann.ok);
  const todoExpect = keysOf(ann.todoExpect);
  const unexpected = minus(firing, expected);
  const pending = [...unexpected];
  for (const f of result.findings) {
    const k = key(f.rule, f.line);
    const at = pending.indexOf(k);
    if (at === -1) continue;
    pending.splice(at, 1);
    if (ok.has(k)) problems.push(`near miss fired (ok:): ${describeFinding(f)}`);
    else if (todoExpect.has(k)) problems.push(`${k} fires now: change todo-expect to expect (${f.message})`);
    else problems.push(`unexpected finding: ${describeFinding(f)}`);
  }
  return problems;
}

const files = fixtureFiles();

describe('rule fixtures', () => {
  test('fixtures/ holds rule directories only, each with fixtures', () => {
    const stray = readdirSync(join(ROOT, FIXTURES), { withFileTypes: true })
      .filter((d) => d.isFile() && SOURCE_EXTENSIONS.some((ext) => d.name.endsWith(ext)))
      .map((d) => d.name);
    expect(stray, 'fixtures outside a rule directory are never run').toEqual([]);
    const empty = ruleDirs().filter((dir) => !files.some((f) => f.startsWith(`${FIXTURES}/${dir}/`)));
    expect(empty).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
  });

  test.for(files)('%s', (file) => {
    expect(checkFixture(file)).toEqual([]);
  });
});
