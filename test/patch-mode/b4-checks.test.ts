// b4 runs ptelint the way it runs checkpatch.pl: one patch mail on standard input, in the top of
// the git tree. These tests do exactly that with the built CLI and read the output with b4's own
// rules, re-implemented from its source:
//  - `b4 prep --check` / `b4 am --check` (b4.prep-perpatch-check-cmd, b4.am-perpatch-check-cmd):
//    LoreMessage.run_local_check() in src/b4/__init__.py: every stdout line a finding, `fail` if it
//    contains `ERROR:` else `warning`, a leading `-:` stripped; every stderr line a `fail`; no
//    output at all is `success` with exit status 0 and `fail` with any other.
//  - `b4 review` checks (b4.review-perpatch-check-cmd): _run_external_cmd() in
//    src/b4/review/checks.py: no stdout is `[]` (or a fail when the exit status is not 0); stdout
//    is JSON, one object or a list; `status` outside pass|warn|fail becomes fail; `tool`, `summary`,
//    `url`, `details` are read as they are.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, git, grantFromVma, harmlessEdit, lineOf, removeTemps, replaceOnce, RESTORE, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const CLI = path.join(ROOT, 'dist/src/cli/main.js');

// ---- b4's rules ----

/** shlex.shlex(cmd, posix=True) with whitespace_split, for the unquoted commands used here. */
function b4Split(cmd: string): string[] {
  return cmd.trim().split(/\s+/);
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** b4's _run_command(cmdargs, stdin=mail, rundir=topdir); `ptelint` resolves to the built CLI. */
function b4Run(cmd: string, mail: string, topdir: string): Run {
  const [bin, ...args] = b4Split(cmd);
  expect(bin).toBe('ptelint');
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: topdir, input: mail, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

type Flag = 'success' | 'warning' | 'fail';

/** LoreMessage.run_local_check()'s report for one command. */
function runLocalCheck(cmd: string, mail: string, topdir: string): { report: [Flag, string][]; run: Run } {
  const run = b4Run(cmd, mail, topdir);
  const mycmd = path.basename(b4Split(cmd)[0]);
  const report: [Flag, string][] = [];
  const out = run.stdout.trim();
  const outLines = out ? out.split('\n') : [];
  for (let line of outLines) {
    const flag: Flag = line.includes('ERROR:') ? 'fail' : 'warning';
    if (line.startsWith('-:')) line = line.slice(2);
    report.push([flag, `${mycmd}: ${line}`]);
  }
  const err = run.stderr.trim();
  const errLines = err ? err.split('\n') : [];
  for (let line of errLines) {
    if (line.startsWith('-:')) line = line.slice(2);
    report.push(['fail', `${mycmd}: ${line}`]);
  }
  if (outLines.length === 0 && errLines.length === 0) {
    report.push(run.status ? ['fail', `${mycmd}: Exited with error code ${run.status}`] : ['success', `${mycmd}: passed all checks`]);
  }
  return { report, run };
}

interface ReviewResult {
  tool: string;
  status: string;
  summary: string;
  url: string;
  details: string;
}

/** _run_external_cmd()'s results for one command. */
function runExternalCmd(cmd: string, mail: string, topdir: string): ReviewResult[] {
  const run = b4Run(cmd, mail, topdir);
  const mycmd = path.basename(b4Split(cmd)[0]);
  if (!run.stdout.trim()) {
    return run.status ? [{ tool: mycmd, status: 'fail', summary: `exited with error code ${run.status}`, url: '', details: run.stderr.trim() }] : [];
  }
  let data: unknown;
  try {
    data = JSON.parse(run.stdout);
  } catch (error) {
    return [{ tool: mycmd, status: 'fail', summary: `invalid JSON output: ${String(error)}`, url: '', details: run.stdout }];
  }
  const list = Array.isArray(data) ? data : [data];
  const results: ReviewResult[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const e = entry as Record<string, unknown>;
    const status = ['pass', 'warn', 'fail'].includes(e.status as string) ? (e.status as string) : 'fail';
    results.push({
      tool: (e.tool as string | undefined) ?? mycmd,
      status,
      summary: (e.summary as string | undefined) ?? '',
      url: (e.url as string | undefined) ?? '',
      details: (e.details as string | undefined) ?? '',
    });
  }
  return results;
}

// ---- a kernel-like git tree and patches made by git format-patch ----

const BASE = `// SPDX-License-Identifier: GPL-2.0\n${RESTORE}`;

/** Write permission from the VMA: an error (pte-write-grant-unjustified). */
const GRANT_FROM_VMA = grantFromVma(BASE);
/** maybe_mkwrite() under the writable-entry check: a note (redundant-maybe-mkwrite). */
const REDUNDANT = replaceOnce(BASE, '\t\tpte = pte_mkwrite(pte, vma);', '\t\tpte = maybe_mkwrite(pte, vma);');
/** Nothing ptelint cares about. */
const HARMLESS = harmlessEdit(BASE);

let top: string;
const mails: Record<'grant' | 'redundant' | 'harmless', string> = { grant: '', redundant: '', harmless: '' };

/** `git format-patch` of one commit on top of BASE, with a Message-ID as b4's own mails have. */
function formatPatch(after: string, subject: string): string {
  const branch = subject.replace(/\W+/g, '-');
  git(top, ['checkout', '-q', '-B', branch, 'base']);
  writeFileSync(path.join(top, 'mm/migrate.c'), after);
  git(top, ['commit', '-q', '-am', `mm/migrate: ${subject}`]);
  return git(top, ['format-patch', `--add-header=Message-ID: <${branch}@example.org>`, '-1', '--stdout']);
}

beforeAll(() => {
  top = writeFiles(tempDir('ptelint-b4-'), { 'mm/migrate.c': BASE, Makefile: 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n' });
  git(top, ['init', '-q', '-b', 'master']);
  git(top, ['add', '.']);
  git(top, ['commit', '-q', '-m', 'base']);
  git(top, ['tag', 'base']);
  mails.grant = formatPatch(GRANT_FROM_VMA, 'restore write from the VMA');
  mails.redundant = formatPatch(REDUNDANT, 'maybe_mkwrite on restore');
  mails.harmless = formatPatch(HARMLESS, 'tweak unrelated');
  // The tree is left at the base, as for `b4 am --check` before applying.
  git(top, ['checkout', '-q', 'base']);
  for (const mail of Object.values(mails)) expect(mail).toMatch(/^Message-ID: <.+>$/m);
});

// ---- prep --check / am --check ----

const PERPATCH = 'ptelint patch --format checkpatch -';

describe('b4.prep-perpatch-check-cmd / b4.am-perpatch-check-cmd = ptelint patch --format checkpatch -', () => {
  test('a patch that grants write from the VMA: one ERROR line in checkpatch --terse --showfile shape, b4 fails it', () => {
    const { report, run } = runLocalCheck(PERPATCH, mails.grant, top);
    const grantLine = lineOf(GRANT_FROM_VMA, 'pte = pte_mkwrite(pte, vma);');
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stdout).toMatch(new RegExp(`^mm/migrate\\.c:${grantLine}: ERROR: .+ \\[pte-write-grant-unjustified\\]\\n$`));
    expect(report).toEqual([['fail', `ptelint: ${run.stdout.trim()}`]]);
    expect(run.status).toBe(1);
  });

  test('a patch that adds a note: a CHECK line, which b4 counts as a warning', () => {
    const { report, run } = runLocalCheck(PERPATCH, mails.redundant, top);
    const line = lineOf(REDUNDANT, 'maybe_mkwrite(');
    expect(run.stdout).toMatch(new RegExp(`^mm/migrate\\.c:${line}: CHECK: .+ \\[redundant-maybe-mkwrite\\]\\n$`));
    expect(report.map(([flag]) => flag)).toEqual(['warning']);
  });

  test('a clean patch prints nothing on either stream and exits 0: b4 says it passed', () => {
    const { report, run } = runLocalCheck(PERPATCH, mails.harmless, top);
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(report).toEqual([['success', 'ptelint: passed all checks']]);
  });

  test('the same with --tree . (b4 runs in the top of the tree): exact images, same verdicts', () => {
    const cmd = 'ptelint patch --tree . --format checkpatch -';
    expect(runLocalCheck(cmd, mails.grant, top).report.map(([f]) => f)).toEqual(['fail']);
    expect(runLocalCheck(cmd, mails.harmless, top).report).toEqual([['success', 'ptelint: passed all checks']]);
  });

  test('a mail ptelint cannot use is a failure on stderr, never a silent pass', () => {
    const { report, run } = runLocalCheck(PERPATCH, 'From: a@b\nSubject: [PATCH] words only\n\nno diff here\n', top);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no diff found');
    expect(report.every(([flag]) => flag === 'fail')).toBe(true);
    expect(run.status).toBe(2);
  });
});

// ---- review checks ----

const REVIEW = 'ptelint patch --format b4 -';

describe('b4.review-perpatch-check-cmd = ptelint patch --format b4 -', () => {
  test('the VMA grant: one ptelint result, fail, counted in the summary, the finding and its help in details', () => {
    const results = runExternalCmd(REVIEW, mails.grant, top);
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r.tool).toBe('ptelint');
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('1 error');
    expect(r.url).toBe('');
    const grantLine = lineOf(GRANT_FROM_VMA, 'pte = pte_mkwrite(pte, vma);');
    const details = r.details.split('\n');
    expect(details[0]).toMatch(new RegExp(`^mm/migrate\\.c:${grantLine}: error: .+ \\[pte-write-grant-unjustified\\]$`));
    expect(details[1]).toMatch(/^ {2}help: \S/);
  });

  test('a note warns; a clean patch passes with "no new findings"', () => {
    const [note] = runExternalCmd(REVIEW, mails.redundant, top);
    expect(note).toMatchObject({ tool: 'ptelint', status: 'warn', summary: '1 note' });
    expect(note.details).toContain('[redundant-maybe-mkwrite]');
    expect(runExternalCmd(REVIEW, mails.harmless, top)).toEqual([{ tool: 'ptelint', status: 'pass', summary: 'no new findings', url: '', details: '' }]);
  });

  test('--fail-on never lowers a fail to a warning; the object is still there', () => {
    const [r] = runExternalCmd('ptelint patch --format b4 --fail-on never -', mails.grant, top);
    expect(r).toMatchObject({ status: 'warn', summary: '1 error' });
  });

  test('an unusable mail answers with a fail result naming the reason (b4 shows it), not with nothing', () => {
    const results = runExternalCmd(REVIEW, 'From: a@b\nSubject: [PATCH] words only\n\nno diff here\n', top);
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('fail');
    expect(results[0].details).toContain('no diff found');
  });
});
