import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitRangeImages } from '../../src/input/images.js';
import { SAMPLE, edit, makeTree } from './helpers.js';

let repo: string;
let notRepo: string;
const commits: string[] = [];

const V1 = edit(SAMPLE, 'pte = maybe_mkwrite(pte, vma);', 'pte = pte_mkwrite(pte);');
const V2 = edit(V1, '\t\tif (!young)\n\t\t\tentry = pte_mkold(entry);\n', '');
const HELPER = 'int helper(void)\n{\n\treturn 0;\n}\n';
const DIRTY = '/* uncommitted work in the working tree */\n';

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.org',
      GIT_COMMITTER_NAME: 'Test Author',
      GIT_COMMITTER_EMAIL: 'author@example.org',
      GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
    },
  });
}

beforeAll(() => {
  repo = makeTree({ 'mm/sample.c': SAMPLE, 'mm/gone.c': 'int gone;\n' }, 'ptelint-git-');
  notRepo = makeTree({ 'mm/x.c': 'int x;\n' }, 'ptelint-nogit-');
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'mm: base');
  commits.push(git('rev-parse', 'HEAD').trim());
  writeFileSync(path.join(repo, 'mm/sample.c'), V1);
  git('commit', '-q', '-a', '-m', 'mm/sample: use pte_mkwrite() in restore_entry()');
  commits.push(git('rev-parse', 'HEAD').trim());
  writeFileSync(path.join(repo, 'mm/sample.c'), V2);
  writeFileSync(path.join(repo, 'mm/helper.c'), HELPER);
  git('rm', '-q', 'mm/gone.c');
  git('add', 'mm/helper.c');
  git('commit', '-q', '-a', '-m', 'mm/sample: drop the young check; add helper');
  commits.push(git('rev-parse', 'HEAD').trim());
  // Uncommitted changes that must survive untouched.
  writeFileSync(path.join(repo, 'mm/sample.c'), DIRTY);
  writeFileSync(path.join(repo, 'untracked.c'), DIRTY);
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(notRepo, { recursive: true, force: true });
});

describe('gitRangeImages', () => {
  it('lists the commits of a range oldest first with subject, patch text and exact images', async () => {
    // `git status` may refresh the index itself: ask it first, then watch the index.
    const statusBefore = git('status', '--porcelain');
    const indexBefore = statSync(path.join(repo, '.git/index')).mtimeMs;
    const result = await gitRangeImages(repo, `${commits[0]}..HEAD`);
    expect(result.errors).toEqual([]);
    expect(result.commits.map((c) => [c.commit, c.subject])).toEqual([
      [commits[1], 'mm/sample: use pte_mkwrite() in restore_entry()'],
      [commits[2], 'mm/sample: drop the young check; add helper'],
    ]);

    const [first, second] = result.commits;
    expect(first.patchText).toContain('Subject: [PATCH] mm/sample: use pte_mkwrite() in restore_entry()');
    expect(first.images).toHaveLength(1);
    const [sample] = first.images;
    expect(sample).toMatchObject({ path: 'mm/sample.c', oldPath: 'mm/sample.c', errors: [] });
    expect(sample.pre).toMatchObject({ text: SAMPLE, partial: false, changedLines: [12] });
    expect(sample.post).toMatchObject({ text: V1, partial: false, changedLines: [12] });
    // inputLineOf points into the commit's patch text.
    const patchLines = first.patchText.split('\n');
    expect(patchLines[sample.pre!.inputLineOf(12)! - 1]).toBe('-\t\tpte = maybe_mkwrite(pte, vma);');
    expect(patchLines[sample.post!.inputLineOf(12)! - 1]).toBe('+\t\tpte = pte_mkwrite(pte);');
    expect(patchLines[sample.post!.inputLineOf(11)! - 1]).toBe(' \tif (writable)');

    expect(second.images.map((f) => [f.path, f.oldPath, f.pre !== undefined, f.post !== undefined])).toEqual([
      ['mm/gone.c', 'mm/gone.c', true, false],
      ['mm/helper.c', null, false, true],
      ['mm/sample.c', 'mm/sample.c', true, true],
    ]);
    const [gone, helper, sample2] = second.images;
    expect(gone.pre).toMatchObject({ text: 'int gone;\n', changedLines: [1] });
    expect(helper.post).toMatchObject({ text: HELPER, changedLines: [1, 2, 3, 4] });
    expect(sample2.pre?.text).toBe(V1);
    expect(sample2.post?.text).toBe(V2);
    // A pure deletion of lines 31-32: the pre-image marks them, the post-image the line after.
    expect(sample2.pre?.changedLines).toEqual([31, 32]);
    expect(sample2.post?.changedLines).toEqual([31]);
    expect(V2.split('\n')[30]).toBe('\t}');

    // The working tree, the index and untracked files are as they were.
    expect(readFileSync(path.join(repo, 'mm/sample.c'), 'utf8')).toBe(DIRTY);
    expect(readFileSync(path.join(repo, 'untracked.c'), 'utf8')).toBe(DIRTY);
    expect(statSync(path.join(repo, '.git/index')).mtimeMs).toBe(indexBefore);
    expect(git('status', '--porcelain')).toBe(statusBefore);
  });

  it('handles a root commit (compared with the empty tree)', async () => {
    const result = await gitRangeImages(repo, commits[0]);
    expect(result.errors).toEqual([]);
    expect(result.commits).toHaveLength(1);
    const [base] = result.commits;
    expect(base.subject).toBe('mm: base');
    expect(base.images.map((f) => [f.path, f.oldPath, f.pre === undefined, f.post?.text])).toEqual([
      ['mm/gone.c', null, true, 'int gone;\n'],
      ['mm/sample.c', null, true, SAMPLE],
    ]);
  });

  it('is deterministic', async () => {
    const strip = (r: Awaited<ReturnType<typeof gitRangeImages>>) =>
      JSON.stringify(r.commits.map((c) => ({ ...c, images: c.images.map((f) => ({ ...f, pre: f.pre?.text, post: f.post?.text })) })));
    expect(strip(await gitRangeImages(repo, 'HEAD~2..HEAD'))).toBe(strip(await gitRangeImages(repo, 'HEAD~2..HEAD')));
  });

  it('reports a bad range, an option-like range and a directory that is not a repository, without throwing', async () => {
    const bad = await gitRangeImages(repo, 'no-such-branch..HEAD');
    expect(bad.commits).toEqual([]);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0].input).toBe('no-such-branch..HEAD');
    expect(bad.errors[0].message).toMatch(/^git rev-list no-such-branch\.\.HEAD failed: /);

    const option = await gitRangeImages(repo, '--output=/tmp/ptelint-should-not-exist');
    expect(option.errors.map((e) => e.message)).toEqual(['bad git range "--output=/tmp/ptelint-should-not-exist"']);

    // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temporary directory.
    const previous = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(notRepo);
    try {
      const none = await gitRangeImages(notRepo, 'HEAD~1..HEAD');
      expect(none.commits).toEqual([]);
      expect(none.errors[0].message).toMatch(/not a git repository/);
    } finally {
      if (previous === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = previous;
    }
  });
});
