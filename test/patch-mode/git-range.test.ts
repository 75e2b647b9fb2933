// `runPatch({ git: 'HEAD~2..HEAD', repo })` on a temporary repository: mm/migrate.c (sources/migrate.c,
// written for these tests) and a 6.12 Makefile as base, then the commit planting the VMA grant in
// remove_migration_pte(), then the commit fixing it. Images come from git objects; the working
// tree, the index and HEAD are left exactly as they were.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { brief, fixtureMaterial, git, GRANT_TEXT, MIGRATE, removeTemps, tempDir, writeFiles, type Material } from './helpers.js';

const RULE = 'pte-write-grant-unjustified';

let m: Material;
let repo: string;
let commits: string[];

/** Every file below `dir` (`.git` included) with its bytes and mtime. */
function snapshot(dir: string): Map<string, { content: string; mtimeMs: number }> {
  const out = new Map<string, { content: string; mtimeMs: number }>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile()) {
        const full = path.join(dir, name);
        out.set(name, { content: readFileSync(full).toString('base64'), mtimeMs: statSync(full).mtimeMs });
      }
    }
  };
  walk('');
  return out;
}

beforeAll(() => {
  m = fixtureMaterial();
  repo = tempDir('ptelint-pm-git-');
  git(repo, ['init', '-q', '-b', 'master']);
  writeFiles(repo, { Makefile: m.makefile, [MIGRATE]: m.original });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'mm/migrate.c of 6.12']);
  writeFiles(repo, { [MIGRATE]: m.buggy });
  git(repo, ['commit', '-q', '-a', '-m', 'mm/migrate: restore write permission from the VMA']);
  writeFiles(repo, { [MIGRATE]: m.original });
  git(repo, ['commit', '-q', '-a', '-m', 'mm/migrate: take the write bit from the migration entry again']);
  commits = git(repo, ['rev-list', '--reverse', 'HEAD']).trim().split('\n');
  expect(commits).toHaveLength(3);
  // An untracked file and an uncommitted change must survive too.
  writeFileSync(path.join(repo, 'notes.txt'), 'work in progress\n');
  writeFileSync(path.join(repo, 'Makefile'), m.makefile + '# local edit\n');
});
afterAll(removeTemps);

describe('git range HEAD~2..HEAD', () => {
  it('commit 1 introduces the finding, commit 2 fixes it, exact images', async () => {
    const { result, sourceLine } = await runPatch({ inputs: [], git: 'HEAD~2..HEAD', repo });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => [p.commit, p.subject, p.files])).toEqual([
      [commits[1], 'mm/migrate: restore write permission from the VMA', [MIGRATE]],
      [commits[2], 'mm/migrate: take the write bit from the migration entry again', [MIGRATE]],
    ]);
    const got = result.findings.map((f) => ({ rule: f.rule, status: f.status, patch: f.patch, file: f.file, function: f.function, line: f.line, partial: f.partial }));
    expect(got, brief(result)).toEqual([
      { rule: RULE, status: 'introduced', patch: 1, file: MIGRATE, function: 'remove_migration_pte', line: m.grantLine, partial: false },
      { rule: RULE, status: 'fixed', patch: 2, file: MIGRATE, function: 'remove_migration_pte', line: m.grantLine, partial: false },
    ]);
    for (const f of result.findings) expect(sourceLine(f)).toContain(GRANT_TEXT);
  });

  it('a range of the bug commit alone introduces; of the fix alone fixes', async () => {
    const bug = await runPatch({ inputs: [], git: 'HEAD~2..HEAD~1', repo });
    expect(bug.result.findings.map((f) => [f.status, f.patch])).toEqual([['introduced', 1]]);
    const fix = await runPatch({ inputs: [], git: `${commits[1]}..${commits[2]}`, repo });
    expect(fix.result.findings.map((f) => [f.status, f.patch])).toEqual([['fixed', 1]]);
  });

  it('leaves the working tree, the index and HEAD untouched (contents and mtimes)', async () => {
    // git status may refresh .git/index: ask it before the snapshot, and again only after.
    const head = git(repo, ['rev-parse', 'HEAD']);
    const status = git(repo, ['status', '--porcelain']);
    const before = snapshot(repo);
    await runPatch({ inputs: [], git: 'HEAD~2..HEAD', repo });
    const after = snapshot(repo);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, was] of before) expect(after.get(name), name).toEqual(was);
    expect(git(repo, ['rev-parse', 'HEAD'])).toBe(head);
    expect(git(repo, ['status', '--porcelain'])).toBe(status);
    expect(status).toContain(' M Makefile');
    expect(status).toContain('?? notes.txt');
  });

  it('a bad range is an error naming the range, not a crash', async () => {
    const { result } = await runPatch({ inputs: [], git: 'no-such-ref..HEAD', repo });
    expect(result.patches).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].file).toBe('no-such-ref..HEAD');
  });
});
