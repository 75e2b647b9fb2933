// Shared material for the `ptelint patch` end-to-end tests: temporary trees, real diffs made by
// git, the bug this suite plants in remove_migration_pte() (generated at test time, from the 6.12
// corpus tree, never committed, or from sources/migrate.c, written for these tests), mail
// wrappings, and the CLI driven in-process with the real engine. The seeds and the kernel trees
// come from test/inputs.ts.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../../src/engine/run.js';
import { runPatch } from '../../src/engine/run-patch.js';
import { listRules } from '../../src/engine/registry.js';
import { runCli, type CliIo } from '../../src/cli/program.js';
import type { PatchFinding, PatchRunResult } from '../../src/finding.js';
// The patch reader's tests already encode quoted-printable; one encoder serves both.
import { qpEncode } from '../patch/helpers.js';
import { kernelTree } from '../inputs.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export { kernelTree, missingKernelTree, missingKernelTrees, missingSeeds, seed } from '../inputs.js';

// ---- temporary directories ----

const temps: string[] = [];

export function tempDir(prefix = 'ptelint-pm-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

// ---- text editing ----

/** `text` with `from` replaced by `to`; `from` must occur exactly once. */
export function replaceOnce(text: string, from: string, to: string, what = 'replaceOnce'): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`${what}: ${JSON.stringify(from)} not found`);
  if (text.indexOf(from, at + 1) >= 0) throw new Error(`${what}: ${JSON.stringify(from)} occurs more than once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based number of the only line of `text` containing `needle` (at or after line `from`). */
export function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  const hits: number[] = [];
  lines.forEach((l, i) => {
    if (i + 1 >= from && l.includes(needle)) hits.push(i + 1);
  });
  if (hits.length !== 1) throw new Error(`lineOf: ${JSON.stringify(needle)} found on lines [${hits.join(', ')}], want exactly one`);
  return hits[0];
}

export function lineAt(text: string, line: number): string {
  return text.split(/\r?\n/)[line - 1] ?? '';
}

// ---- diffs made by git ----

/** Env for git: no user or system configuration, fixed identity and dates. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00+0000',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00+0000',
  LC_ALL: 'C',
};

export function git(cwd: string, args: string[], okStatus: number[] = [0]): string {
  const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (!okStatus.includes(run.status ?? -1)) throw new Error(`git ${args.join(' ')} (status ${run.status}): ${run.stderr}`);
  return run.stdout;
}

/**
 * A real unified diff of `before` -> `after` for the file `name` (`null`: the file does not exist
 * on that side): `git diff --no-index --no-prefix` run on `a/<name>` and `b/<name>`, so the headers
 * read `diff --git a/<name> b/<name>`, `--- a/<name>`, `+++ b/<name>` as in a kernel patch.
 * `kernelAttributes`: hunk headers as linux.git writes them, whose .gitattributes sets
 * `*.c diff=cpp` (the section names the enclosing function, not the nearest column-0 label);
 * otherwise git's default funcname.
 */
export function gitDiff(before: string | null, after: string | null, name: string, context = 3, kernelAttributes = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ptelint-pm-diff-'));
  try {
    if (kernelAttributes) writeFileSync(path.join(dir, 'attributes'), '*.c diff=cpp\n*.h diff=cpp\n');
    writeFiles(dir, {
      ...(before === null ? {} : { [`a/${name}`]: before }),
      ...(after === null ? {} : { [`b/${name}`]: after }),
    });
    const out = git(
      dir,
      ['-c', `core.attributesFile=${kernelAttributes ? path.join(dir, 'attributes') : '/dev/null'}`, 'diff', '--no-index', '--no-prefix', '--no-color', `-U${context}`,
        before === null ? '/dev/null' : `a/${name}`, after === null ? '/dev/null' : `b/${name}`],
      [1],
    );
    // For a new or deleted file git names both sides after the existing one
    // (`diff --git a/x a/x`); git format-patch writes `diff --git a/x b/x`.
    const text = before === null || after === null ? out.replace(/^diff --git .*\n/, `diff --git a/${name} b/${name}\n`) : out;
    if (!text.startsWith(`diff --git a/${name} b/${name}\n`)) throw new Error(`gitDiff: unexpected header ${out.split('\n')[0]}`);
    if (!text.includes(`\n--- ${before === null ? '/dev/null' : `a/${name}`}\n+++ ${after === null ? '/dev/null' : `b/${name}`}\n`)) {
      throw new Error('gitDiff: unexpected ---/+++ lines');
    }
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the planted bug ----

export const MIGRATE = 'mm/migrate.c';
/** The guard of the write grant in remove_migration_pte() (6.12), and what the bug makes of it. */
export const GOOD_GUARD = '\t\tif (is_writable_migration_entry(entry))\n\t\t\tpte = pte_mkwrite(pte, vma);\n';
export const BAD_GUARD = '\t\tif (vma->vm_flags & VM_WRITE)\n\t\t\tpte = pte_mkwrite(pte, vma);\n';
export const GRANT_TEXT = 'pte = pte_mkwrite(pte, vma);';

/** The text of the function `name` (its header line to its column-0 closing brace). */
export function functionSpan(text: string, header: string): { start: number; end: number } {
  const start = text.indexOf(header);
  if (start < 0 || text.indexOf(header, start + 1) >= 0) throw new Error(`functionSpan: ${JSON.stringify(header)} not found exactly once`);
  const end = text.indexOf('\n}\n', start);
  if (end < 0) throw new Error(`functionSpan: no end for ${header}`);
  return { start, end: end + 3 };
}

/** In remove_migration_pte() only, `from` -> `to` exactly once (throws otherwise). */
export function editRemoveMigrationPte(text: string, from: string, to: string): string {
  const { start, end } = functionSpan(text, '\nstatic bool remove_migration_pte(');
  const body = replaceOnce(text.slice(start, end), from, to, 'remove_migration_pte edit');
  return text.slice(0, start) + body + text.slice(end);
}

export interface Material {
  /** The 6.12 tree's top-level Makefile (what the kernel version is read from). */
  makefile: string;
  /** mm/migrate.c as released. */
  original: string;
  /** mm/migrate.c with the VMA grant in remove_migration_pte(). */
  buggy: string;
  /** Post-image line of the grant `pte = pte_mkwrite(pte, vma);` under the edited guard. */
  grantLine: number;
  /** Line of the edited guard itself (the `if`). */
  guardLine: number;
  bugPatch: string;
  /** The same change undone: buggy -> original. */
  reversePatch: string;
}

/** Everything generated from the 6.12 corpus tree's mm/migrate.c that the tests share. */
export function material(): Material {
  const corpus = kernelTree('6.12');
  return materialOf(readFileSync(path.join(corpus, MIGRATE), 'utf8'), readFileSync(path.join(corpus, 'Makefile'), 'utf8'));
}

/**
 * The same generated from sources/migrate.c, written for these tests in the kernel's idiom: for
 * the tests of how patches are read and wrapped (bad input, encodings, git ranges, series),
 * which need a file with the bug's shape, not the kernel's own, and so run without a kernel tree.
 */
export function fixtureMaterial(): Material {
  // A first line the committed file does not have: `ptelint patch` looks a pre-image up by the
  // blob id of the patch's index line in the repository it runs in (this one, in a clone), and
  // these tests want what the 6.12 file gave them, a pre-image no repository at hand holds.
  const original = '/* test/patch-mode/sources/migrate.c */\n' + readFileSync(path.join(ROOT, 'test/patch-mode/sources/migrate.c'), 'utf8');
  return materialOf(original, 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n');
}

function materialOf(original: string, makefile: string): Material {
  const buggy = editRemoveMigrationPte(original, GOOD_GUARD, BAD_GUARD);
  const guardLine = lineOf(buggy, 'if (vma->vm_flags & VM_WRITE)');
  if (!lineAt(buggy, guardLine + 1).includes(GRANT_TEXT)) throw new Error('the grant does not follow the edited guard');
  return {
    makefile,
    original,
    buggy,
    guardLine,
    grantLine: guardLine + 1,
    bugPatch: gitDiff(original, buggy, MIGRATE),
    reversePatch: gitDiff(buggy, original, MIGRATE),
  };
}

/** A temporary kernel tree holding `Makefile` and `mm/migrate.c` (the given text). */
export function migrateTree(m: Material, migrate: string): string {
  return writeFiles(tempDir('ptelint-pm-tree-'), { Makefile: m.makefile, [MIGRATE]: migrate });
}

// ---- a small mm/migrate.c of our own, for the report formats (mail, patchwork, b4) ----

/** A restore of a migration entry that takes write from the entry, and a function no rule cares about. */
export const RESTORE = `static void restore_one(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}

static int unrelated(int x)
{
	return x + 1;
}
`;

/** `text` with the restore granting write from the VMA instead (pte-write-grant-unjustified). */
export function grantFromVma(text: string): string {
  return replaceOnce(text, '\tif (is_writable_migration_entry(entry))', '\tif (vma->vm_flags & VM_WRITE)');
}

/** `text` with a change in unrelated(), which no rule cares about. */
export function harmlessEdit(text: string): string {
  return replaceOnce(text, '\treturn x + 1;', '\treturn x + 2;');
}

/** A git format-patch mail of mm/migrate.c going from `before` to `after`. */
export function migrateMail(before: string, after: string, subject: string, extraHeaders: string[] = []): string {
  return patchMail(gitDiff(before, after, MIGRATE), subject, extraHeaders);
}

// ---- mail wrappings ----

export function mailHeaders(subject: string, extra: string[] = [], sha = '0123456789abcdef0123456789abcdef01234567'): string[] {
  return [
    `From ${sha} Mon Sep 17 00:00:00 2001`,
    'From: Patch Author <author@example.org>',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    `Subject: ${subject}`,
    ...extra,
    '',
  ];
}

export const BUG_SUBJECT = '[PATCH] mm/migrate: restore write permission from the VMA';

/** git format-patch style mail around `diff`. */
export function patchMail(diff: string, subject = BUG_SUBJECT, extraHeaders: string[] = []): string {
  return [
    ...mailHeaders(subject, extraHeaders),
    'Let remove_migration_pte() take the write permission from the VMA, which is what a careless restore path would do.',
    '',
    'Signed-off-by: Patch Author <author@example.org>',
    '---',
    ' mm/migrate.c | 2 +-',
    ' 1 file changed, 1 insertion(+), 1 deletion(-)',
    '',
    diff.replace(/\n$/, ''),
    '-- ',
    '2.43.0',
    '',
  ].join('\n');
}


/** The patch as a MIME mail with a quoted-printable body. */
export function qpMail(diff: string, width = 76): string {
  const plain = patchMail(diff);
  const split = plain.indexOf('\n\n');
  const headers = plain.slice(0, split).split('\n');
  const body = plain.slice(split + 2);
  return [
    ...headers,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qpEncode(body, width),
  ].join('\n');
}

/** A reply quoting the whole patch mail body at `depth` (`> ` or `>> `). */
export function quotedReply(diff: string, depth: 1 | 2): string {
  const plain = patchMail(diff);
  const body = plain.slice(plain.indexOf('\n\n') + 2).replace(/\n$/, '').split('\n');
  const prefix = '>'.repeat(depth) + ' ';
  const quoted = body.map((l) => (l === '' ? prefix.trimEnd() : prefix + l));
  const intro = depth === 1 ? ['On Mon, Jan 01, 2024 at 00:00:00AM +0000, Patch Author wrote:'] : [
    'On Tue, Jan 02, 2024 at 00:00:00AM +0000, Reviewer One wrote:',
    '> On Mon, Jan 01, 2024 at 00:00:00AM +0000, Patch Author wrote:',
  ];
  return [
    ...mailHeaders(`Re: ${BUG_SUBJECT}`, ['In-Reply-To: <patch@example.org>'], '1111111111111111111111111111111111111111'),
    ...intro,
    ...quoted,
    '',
    'This grants write from the VMA; the migration entry says whether the page was writable.',
    '',
  ].join('\n');
}

/** Context lines of the hunks lose their leading space (`all`: every leading blank), as archives do. */
export function stripContext(diff: string, all: boolean): string {
  let inHunk = false;
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('@@')) inHunk = true;
      else if (line.startsWith('diff --git')) inHunk = false;
      if (!inHunk || !line.startsWith(' ')) return line;
      return all ? line.replace(/^\s+/, '') : line.slice(1);
    })
    .join('\n');
}

// ---- results ----

export interface Key {
  rule: string;
  file: string;
  function: string;
  line: number;
  status: string;
}

export function keys(findings: PatchFinding[]): Key[] {
  return findings.map((f) => ({ rule: f.rule, file: f.file, function: f.function, line: f.line, status: f.status }));
}

export function brief(result: PatchRunResult): string {
  return JSON.stringify({
    errors: result.errors,
    patches: result.patches.map((p) => ({ input: p.input, subject: p.subject, files: p.files, hunks: p.hunks, errors: p.errors.length })),
    findings: result.findings.map((f) => `${f.rule} ${f.file}:${f.line} ${f.function} ${f.status}${f.partial ? ' partial' : ''} patch ${f.patch}`),
  }, null, 1);
}

// ---- the CLI, in-process with the real engine (what src/cli/main.ts wires) ----

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** `ptelint <args>` in-process, its output captured (no terminal); `over` replaces parts of the wiring (env, cwd). */
export async function cli(args: string[], over: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { NO_COLOR: '1' },
    runCheck,
    runPatch,
    rules: listRules(),
    version: 'test',
    ...over,
  });
  return { status, stdout, stderr };
}

/** `ptelint patch ... --format json` parsed. */
export async function cliJson(args: string[]): Promise<CliRun & { report: PatchRunResult }> {
  const run = await cli(['patch', '--format', 'json', ...args]);
  let report: PatchRunResult;
  try {
    report = JSON.parse(run.stdout) as PatchRunResult;
  } catch {
    throw new Error(`not JSON (status ${run.status}): ${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`);
  }
  return { ...run, report };
}
