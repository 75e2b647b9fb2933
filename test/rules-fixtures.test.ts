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
import { annotationProblems, parseAnnotations } from '../src/testing/annotations.js';
import { matchFindings, messageIdProblems } from '../src/testing/match-findings.js';
import { recordingReports, withMessageIds, type Report } from '../src/testing/message-ids.js';

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

const messagesOf = (rule: string): string[] | undefined => {
  const found = allRules.find((r) => r.meta.id === rule);
  return found ? Object.keys(found.meta.messages) : undefined;
};

/**
 * Checks one fixture and returns every problem found, so a failing case lists all of them at once.
 * @param file `fixtures/<rule-id>/<name>`
 * @returns human-readable problems, each naming the file (and line); empty when the fixture passes
 */
function checkFixture(file: string): string[] {
  const problems: string[] = [];
  const text = readFileSync(join(ROOT, file), 'utf8');
  const dir = file.split('/')[1];
  const name = basename(file);
  const ann = parseAnnotations(text);

  // --- the fixture's form --------------------------------------------------------------------
  problems.push(...annotationProblems(file, ann));
  if (!knownRuleIds.has(dir)) problems.push(`${file}: directory "${dir}" is not a known rule id`);
  const kind = KINDS.find((k) => name.startsWith(`${k}-`));
  if (kind === undefined) problems.push(`${file}: file name must start with ${KINDS.map((k) => `${k}-`).join(', ')}`);
  if (kind === 'invalid' && ann.expect.length === 0) problems.push(`${file}: an invalid-* fixture needs at least one expect:`);
  if (kind === 'valid' && ann.expect.length > 0) {
    problems.push(`${file}: a valid-* fixture has no expect: (found on lines ${ann.expect.map((a) => a.line).join(', ')})`);
  }
  if (!/^\s*(\/\*|\/\/)/.test(text)) problems.push(`${file}: a fixture starts with a comment saying what it models`);
  for (const a of [...ann.expect, ...ann.ok, ...ann.todoExpect, ...ann.todoOk]) {
    if (!knownRuleIds.has(a.rule)) problems.push(`${file}:${a.line}: annotation names unknown rule "${a.rule}"`);
  }
  problems.push(...messageIdProblems(file, ann, messagesOf));
  let kernelVersion: KernelVersion | undefined;
  if (ann.kernelVersion !== undefined) {
    kernelVersion = parseKernelVersion(ann.kernelVersion);
    if (kernelVersion === undefined) problems.push(`${file}: kernel-version "${ann.kernelVersion}" does not parse`);
  }

  // --- the analysis ------------------------------------------------------------------------------
  // The keyword prefilter stays on, as in `ptelint check`: a rule whose keywords miss a shape it
  // reports would pass with it off and stay silent for users. A second run with it off must agree.
  const reports: Report[] = [];
  const result = analyzeText(file, text, { rules: recordingReports(allRules, reports), kernelVersion });
  const unfiltered = analyzeText(file, text, { rules: allRules, kernelVersion, prefilter: false });
  expect(unfiltered.findings.map((f) => `${f.rule}@${f.line}`), 'findings with the keyword prefilter off').toEqual(
    result.findings.map((f) => `${f.rule}@${f.line}`),
  );
  if (result.functions === 0) problems.push(`${file}: no function found: a fixture holds complete C functions`);
  for (const inc of result.incomplete) {
    problems.push(`${file}:${inc.line}: ${inc.function}() did not parse completely: ${inc.reason}`);
  }
  for (const f of result.findings) {
    if (f.file !== file) problems.push(`${file}:${f.line}: finding reported against "${f.file}": ${f.rule}: ${f.message}`);
  }

  // --- findings against annotations --------------------------------------------------------------
  problems.push(...matchFindings(file, ann, withMessageIds(result.findings, reports)));
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
