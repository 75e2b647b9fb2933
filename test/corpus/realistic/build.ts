// Generates the realistic patch set (cases.ts) at run time and judges it three ways: from the
// hunks alone, with `--repo` (the temporary repository the patches were made in) and with
// `--tree` (the files at the patch's parent commit, written to a directory). Shared by
// test/patch-mode/realistic-patches.test.ts and scripts/measure-patches.ts; it asserts nothing.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPatch } from '../../../src/engine/run-patch.js';
import type { PatchFinding, PatchRunResult } from '../../../src/finding.js';
import { BASE_FILES, SHAPES, type Edit, type RealisticShape, type Variant, type Version } from './cases.js';

const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Patch Author',
  GIT_AUTHOR_EMAIL: 'author@example.org',
  GIT_COMMITTER_NAME: 'Patch Author',
  GIT_COMMITTER_EMAIL: 'author@example.org',
  GIT_AUTHOR_DATE: '2025-01-01T00:00:00+0000',
  GIT_COMMITTER_DATE: '2025-01-01T00:00:00+0000',
  LC_ALL: 'C',
};

export function git(cwd: string, args: string[]): string {
  const run = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} (status ${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Path of a corpus tree (scripts/kernel-corpus.sh installs it on first use). */
export function corpusTree(version: Version, root: string): string {
  return execFileSync('bash', [path.resolve(root, 'scripts/kernel-corpus.sh'), version], { encoding: 'utf8' }).trim();
}

/** The start of function `fn` in `text` (its name at column 0 or after the return type, then `(`). */
function functionStart(text: string, fn: string): number {
  const re = new RegExp(`^(?:[a-z][^\\n;(]*[\\s*])?${fn}\\(`, 'm');
  const m = re.exec(text);
  if (!m) throw new Error(`function ${fn} not found`);
  return m.index;
}

/** `text` with the edit applied: the first occurrence of `find` after the function's start. */
export function applyEdit(text: string, edit: Edit): string {
  const from = edit.fn ? functionStart(text, edit.fn) : 0;
  const at = text.indexOf(edit.find, from);
  if (at < 0) throw new Error(`${edit.file}${edit.fn ? ` ${edit.fn}()` : ''}: ${JSON.stringify(edit.find)} not found`);
  if (edit.fn) {
    const end = text.indexOf('\n}\n', from);
    if (end >= 0 && at > end) throw new Error(`${edit.file} ${edit.fn}(): ${JSON.stringify(edit.find)} is past the function's end`);
  }
  return text.slice(0, at) + edit.replace + text.slice(at + edit.find.length);
}

function commitEdits(repo: string, subject: string, edits: Edit[]): string {
  for (const file of new Set(edits.map((e) => e.file))) {
    const full = path.join(repo, file);
    let text = readFileSync(full, 'utf8');
    for (const e of edits.filter((x) => x.file === file)) text = applyEdit(text, e);
    writeFileSync(full, text);
  }
  git(repo, ['commit', '-q', '-a', '-m', subject, '-m', `${subject}.\n\nSigned-off-by: Patch Author <author@example.org>`]);
  return git(repo, ['rev-parse', 'HEAD']).trim();
}

export interface GeneratedPatch {
  shape: RealisticShape;
  variant: Variant;
  /** The mail file (`git format-patch`). */
  file: string;
  /** The files at the patch's parent commit (for --tree). */
  tree: string;
  repo: string;
}

export interface Workspace {
  dir: string;
  repos: Record<Version, string>;
  patches: GeneratedPatch[];
}

/** Builds one repository per version and every patch of every shape, below a new temporary directory. */
export function generate(root: string, shapes: RealisticShape[] = SHAPES): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'ptelint-realistic-'));
  const repos = {} as Record<Version, string>;
  for (const version of ['6.12', '6.1'] as Version[]) {
    const repo = path.join(dir, `linux-${version}`);
    mkdirSync(repo, { recursive: true });
    const corpus = corpusTree(version, root);
    for (const f of BASE_FILES[version]) {
      mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      writeFileSync(path.join(repo, f), readFileSync(path.join(corpus, f)));
    }
    git(repo, ['init', '-q', '-b', 'master']);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', `Linux ${version} (mm subset)`]);
    repos[version] = repo;
  }
  const patches: GeneratedPatch[] = [];
  for (const shape of shapes) {
    const repo = repos[shape.version];
    for (const variant of ['bug', 'fix', 'refactor'] as Variant[]) {
      const branch = `${shape.id.replace(/\W+/g, '-')}-${variant}`;
      git(repo, ['checkout', '-q', '-b', branch, 'master']);
      if (shape.prep) commitEdits(repo, shape.prep.subject, shape.prep.edits);
      let commit: string;
      if (variant === 'refactor') commit = commitEdits(repo, shape.refactor.subject, shape.refactor.edits);
      else {
        const bug = commitEdits(repo, shape.bug.subject, shape.bug.edits);
        if (variant === 'bug') commit = bug;
        else if (shape.fix) commit = commitEdits(repo, shape.fix.subject, shape.fix.edits);
        else {
          git(repo, ['revert', '--no-edit', 'HEAD']);
          commit = git(repo, ['rev-parse', 'HEAD']).trim();
        }
      }
      const file = path.join(dir, `${branch}.patch`);
      writeFileSync(file, git(repo, ['format-patch', '-1', '--stdout', '--no-signature', commit]));
      const tree = path.join(dir, `${branch}.tree`);
      for (const f of BASE_FILES[shape.version]) {
        mkdirSync(path.dirname(path.join(tree, f)), { recursive: true });
        writeFileSync(path.join(tree, f), git(repo, ['show', `${commit}~1:${f}`]));
      }
      patches.push({ shape, variant, file, tree, repo });
      git(repo, ['checkout', '-q', 'master']);
    }
  }
  return { dir, repos, patches };
}

export function cleanup(ws: Workspace): void {
  rmSync(ws.dir, { recursive: true, force: true });
}

export type Way = 'hunks' | 'repo' | 'tree';

export interface Judged {
  patch: GeneratedPatch;
  results: Record<Way, PatchRunResult>;
}

export async function judge(p: GeneratedPatch): Promise<Judged> {
  const inputs = [p.file];
  const [hunks, repo, tree] = await Promise.all([
    runPatch({ inputs, repo: false }),
    runPatch({ inputs, repo: p.repo }),
    runPatch({ inputs, tree: p.tree, repo: false }),
  ]);
  return { patch: p, results: { hunks: hunks.result, repo: repo.result, tree: tree.result } };
}

/** What a run reports, rule by rule: `introduced <rule>` / `fixed <rule>`, sorted; `-` for nothing. */
export function verdict(result: PatchRunResult): string {
  const seen = new Set(
    result.findings.filter((f) => f.status !== 'unchanged').map((f) => `${f.status} ${f.rule}${f.function ? ` in ${f.function}` : ''}`),
  );
  return seen.size === 0 ? '-' : [...seen].sort().join('; ');
}

/** Whether a run judges the variant as it should be judged. */
export function correct(shape: RealisticShape, variant: Variant, result: PatchRunResult): boolean {
  const changed = result.findings.filter((f) => f.status !== 'unchanged');
  const introduced = changed.filter((f) => f.status === 'introduced');
  const hit = (status: string, f: PatchFinding): boolean =>
    shape.expect !== 'unchanged' && f.status === status && f.rule === shape.expect.rule && f.function === shape.expect.fn;
  if (variant === 'refactor') return changed.length === 0;
  if (variant === 'bug') {
    if (shape.expect === 'unchanged') return changed.length === 0;
    return introduced.some((f) => hit('introduced', f));
  }
  // A fix: the bug's finding is fixed and nothing is introduced. For a rewrite, the flagged
  // expression it moved is what the fix removes.
  if (introduced.length > 0) return false;
  if (shape.expect === 'unchanged') return changed.some((f) => f.status === 'fixed');
  return changed.some((f) => hit('fixed', f));
}

/** The comparable findings of a run (for `--repo` = `--tree`). */
export function comparable(result: PatchRunResult): string[] {
  return result.findings.map((f) => `${f.status} ${f.rule} ${f.file}:${f.line} ${f.function}${f.partial ? ' partial' : ''}`).sort();
}

export function markdownTable(judged: Judged[]): string {
  const rows = ['| shape | variant | hunks alone | --repo | --tree |', '|---|---|---|---|---|'];
  for (const j of judged) {
    const cell = (w: Way): string => `${correct(j.patch.shape, j.patch.variant, j.results[w]) ? 'yes' : 'no'}: ${verdict(j.results[w])}`;
    rows.push(`| ${j.patch.shape.id}: ${j.patch.shape.shape} | ${j.patch.variant} | ${cell('hunks')} | ${cell('repo')} | ${cell('tree')} |`);
  }
  const count = (w: Way): number => judged.filter((j) => correct(j.patch.shape, j.patch.variant, j.results[w])).length;
  rows.push(`| **judged right** | | **${count('hunks')} of ${judged.length}** | **${count('repo')} of ${judged.length}** | **${count('tree')} of ${judged.length}** |`);
  return rows.join('\n') + '\n';
}
