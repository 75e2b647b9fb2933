// `ptelint patch --repo`: exact pre-images from the blobs named by a patch's `index` lines, with
// the fallbacks base-commit, --tree and hunks, reported per file. A temporary repository is built
// from real 6.12 files (mm/migrate.c, mm/rmap.c, Makefile); a later commit moves the code, and the
// patch is made on top of it, so its hunks apply to no tree at hand but the repository's.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { readPatchText } from '../../src/input/patch/index.js';
import type { PatchRunResult } from '../../src/finding.js';
import { versionFromSubject } from '../../src/kernel-version.js';
import {
  BAD_GUARD, brief, cli, cliJson, editRemoveMigrationPte, git, GOOD_GUARD, kernelTree, lineOf, MIGRATE, missingKernelTree, removeTemps, tempDir, writeFiles,
} from './helpers.js';

const noTree = missingKernelTree('6.12');

const RULE = 'pte-write-grant-unjustified';
const RMAP = 'mm/rmap.c';
/** A comment added at the top of remove_migration_pte() by the "later" commit: it shifts and changes the context. */
const LATER_LINE = '\t/* Restore the entry the migration replaced, with its bits. */\n';

let repo: string;
let base: string;
let later: string;
let corpus: string;
/** The bug patch made on top of `later` (git format-patch, abbreviated ids). */
let bugMail: string;
let bugFullIndex: string;
let laterTree: string;
let rmapText: string;
let laterMigrate: string;

const keysOf = (r: PatchRunResult) => r.findings.map((f) => ({ rule: f.rule, status: f.status, line: f.line, function: f.function, partial: f.partial }));

beforeAll(() => {
  corpus = kernelTree('6.12');
  const migrate = readFileSync(path.join(corpus, MIGRATE), 'utf8');
  rmapText = readFileSync(path.join(corpus, RMAP), 'utf8');
  repo = tempDir('ptelint-repo-');
  writeFiles(repo, { Makefile: readFileSync(path.join(corpus, 'Makefile'), 'utf8'), [MIGRATE]: migrate, [RMAP]: rmapText });
  git(repo, ['init', '-q', '-b', 'master']);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'Linux 6.12 (mm subset)']);
  base = git(repo, ['rev-parse', 'HEAD']).trim();
  laterMigrate = editRemoveMigrationPte(migrate, GOOD_GUARD, LATER_LINE + GOOD_GUARD);
  writeFiles(repo, { [MIGRATE]: laterMigrate });
  git(repo, ['commit', '-q', '-a', '-m', 'mm/migrate: say what remove_migration_pte() restores']);
  later = git(repo, ['rev-parse', 'HEAD']).trim();
  writeFiles(repo, { [MIGRATE]: editRemoveMigrationPte(laterMigrate, GOOD_GUARD, BAD_GUARD) });
  git(repo, ['commit', '-q', '-a', '-m', 'mm/migrate: restore write permission from the VMA']);
  bugMail = git(repo, ['format-patch', '-1', '--stdout', '--no-signature', 'HEAD']);
  bugFullIndex = git(repo, ['format-patch', '-1', '--stdout', '--no-signature', '--full-index', 'HEAD']);
  git(repo, ['reset', '-q', '--hard', later]);
  laterTree = writeFiles(tempDir('ptelint-repo-tree-'), {
    Makefile: readFileSync(path.join(corpus, 'Makefile'), 'utf8'),
    [MIGRATE]: laterMigrate,
    [RMAP]: rmapText,
  });
});
afterAll(removeTemps);

function write(name: string, text: string): string {
  const dir = tempDir('ptelint-repo-in-');
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The old id of `file`'s index line in `mail`. */
function oldId(mail: string, file: string): string {
  const m = new RegExp(`diff --git a/${file} b/${file}\\nindex ([0-9a-f]+)\\.\\.`).exec(mail);
  if (!m) throw new Error(`no index line for ${file}`);
  return m[1];
}

describe.skipIf(noTree)('diff parser', () => {
  it('keeps the ids of the index line (all-zero ids left out)', async () => {
    const parsed = await readPatchText('x.patch', bugMail);
    expect(parsed.patches[0].files[0].blobs).toEqual({ old: oldId(bugMail, MIGRATE), new: expect.stringMatching(/^[0-9a-f]{7,}$/) });
    const created = await readPatchText('n.patch', 'diff --git a/mm/n.c b/mm/n.c\nnew file mode 100644\nindex 0000000..1234567\n--- /dev/null\n+++ b/mm/n.c\n@@ -0,0 +1 @@\n+int n;\n');
    expect(created.patches[0].files[0].blobs).toEqual({ new: '1234567' });
  });

  it('reads the base-commit trailer and a stable series from the subject', async () => {
    const mail = bugMail.replace(/\n-- \n|$/, `\nbase-commit: ${base}\n`);
    const parsed = await readPatchText('x.patch', mail);
    expect(parsed.patches[0].baseCommit).toBe(base);
    expect(versionFromSubject('[PATCH 6.1 12/98] mm/migrate: x')).toEqual({ major: 6, minor: 1 });
    expect(versionFromSubject('[PATCH 6.12.y] mm: x')).toEqual({ major: 6, minor: 12 });
    expect(versionFromSubject('[PATCH 5.15.y v2 1/3] mm: x')).toEqual({ major: 5, minor: 15 });
    expect(versionFromSubject('[PATCH v2.1 1/3] mm: x')).toBeUndefined();
    expect(versionFromSubject('[PATCH 1/3] mm: x')).toBeUndefined();
  });
});

describe.skipIf(noTree)('--repo: exact images from blob ids', () => {
  it('a patch on a later commit applies to no tree at hand, but is analysed exactly with --repo, as with --tree at that commit', async () => {
    const file = write('bug.patch', bugMail);
    const onCorpus = await runPatch({ inputs: [file], tree: corpus, repo: false });
    expect(onCorpus.result.errors.map((e) => e.message).join('\n')).toMatch(/does not apply/);
    const withRepo = await runPatch({ inputs: [file], repo });
    const withTree = await runPatch({ inputs: [file], tree: laterTree, repo: false });
    expect(withRepo.result.errors, brief(withRepo.result)).toEqual([]);
    const grantLine = lineOf(editRemoveMigrationPte(laterMigrate, GOOD_GUARD, BAD_GUARD), 'if (vma->vm_flags & VM_WRITE)') + 1;
    expect(keysOf(withRepo.result)).toEqual([{ rule: RULE, status: 'introduced', line: grantLine, function: 'remove_migration_pte', partial: false }]);
    expect(keysOf(withRepo.result)).toEqual(keysOf(withTree.result));
    expect(withRepo.result.patches[0].sources).toEqual([{ file: MIGRATE, source: 'blob', id: oldId(bugMail, MIGRATE), skipped: [] }]);
    // The blob wins over --tree: the corpus tree does not matter when the repository has the ids.
    const both = await runPatch({ inputs: [file], repo, tree: corpus });
    expect(keysOf(both.result)).toEqual(keysOf(withRepo.result));
    expect(both.result.patches[0].sources?.[0].source).toBe('blob');
  });

  it('full-length ids (--full-index) and a bare clone work the same', async () => {
    const bare = path.join(tempDir('ptelint-repo-bare-'), 'linux.git');
    git(path.dirname(bare), ['clone', '-q', '--bare', repo, bare]);
    const full = await runPatch({ inputs: [write('full.patch', bugFullIndex)], repo: bare });
    expect(full.result.errors, brief(full.result)).toEqual([]);
    expect(full.result.patches[0].sources?.[0]).toMatchObject({ source: 'blob', id: oldId(bugFullIndex, MIGRATE) });
    expect(oldId(bugFullIndex, MIGRATE)).toHaveLength(40);
    const abbreviated = await runPatch({ inputs: [write('abbrev.patch', bugMail)], repo });
    expect(keysOf(full.result)).toEqual(keysOf(abbreviated.result));
  });

  it('text output says per file where the pre-image came from', async () => {
    const run = await cli(['patch', write('bug.patch', bugMail), '--repo', repo]);
    expect(run.stdout).toContain(`  ${MIGRATE}: pre-image: blob ${oldId(bugMail, MIGRATE)}\n`);
  });
});

describe.skipIf(noTree)('--repo: a series', () => {
  it('a later patch whose old id is an earlier patch\'s new id is built on that patch\'s post-image', async () => {
    const scratch = path.join(tempDir('ptelint-repo-series-'), 'linux');
    git(path.dirname(scratch), ['clone', '-q', repo, scratch]);
    const buggy = editRemoveMigrationPte(laterMigrate, GOOD_GUARD, BAD_GUARD.replace('\t\tif', '\t\t/* series */\n\t\tif'));
    writeFiles(scratch, { [MIGRATE]: buggy });
    git(scratch, ['commit', '-q', '-a', '-m', 'mm/migrate: restore write permission from the VMA']);
    writeFiles(scratch, { [MIGRATE]: laterMigrate });
    git(scratch, ['commit', '-q', '-a', '-m', 'mm/migrate: take the write bit from the migration entry again']);
    const mbox = git(scratch, ['format-patch', '-2', '--stdout', '--no-signature', 'HEAD']);
    const run = await runPatch({ inputs: [write('series.mbox', mbox)], repo });
    expect(run.result.errors, brief(run.result)).toEqual([]);
    expect(run.result.patches.map((p) => p.sources?.map((s) => s.source))).toEqual([['blob'], ['series']]);
    expect(run.result.findings.map((f) => [f.rule, f.status, f.patch, f.partial])).toEqual([
      [RULE, 'introduced', 1, false],
      [RULE, 'fixed', 2, false],
    ]);
  });
});

describe.skipIf(noTree)('fallbacks, in order: blob, base-commit, --tree, hunks', () => {
  /** A two-file patch: mm/migrate.c (the bug, on `later`) and mm/rmap.c (a comment), with the given ids and trailer. */
  function twoFiles(ids: { migrate?: string; rmap?: string }, trailer?: string): string {
    const rmapAfter = rmapText.replace('static bool try_to_unmap_one(', '/* Unmap one mapping of the folio. */\nstatic bool try_to_unmap_one(');
    writeFiles(repo, { [RMAP]: rmapAfter, [MIGRATE]: editRemoveMigrationPte(laterMigrate, GOOD_GUARD, BAD_GUARD) });
    git(repo, ['commit', '-q', '-a', '-m', 'two files']);
    let mail = git(repo, ['format-patch', '-1', '--stdout', '--no-signature', 'HEAD']);
    git(repo, ['reset', '-q', '--hard', later]);
    if (ids.migrate) mail = mail.replace(`index ${oldId(mail, MIGRATE)}..`, `index ${ids.migrate}..`);
    if (ids.rmap) mail = mail.replace(`index ${oldId(mail, RMAP)}..`, `index ${ids.rmap}..`);
    if (trailer) mail += `\nbase-commit: ${trailer}\n`;
    return mail;
  }

  it('a missing id falls back to the base-commit trailer, and the Makefile there gives the version', async () => {
    const mail = twoFiles({ migrate: 'deadbee' }, later);
    const { report } = await cliJson([write('base.patch', mail), '--repo', repo]);
    expect(report.errors).toEqual([]);
    const sources = report.patches[0].sources!;
    expect(sources.find((s) => s.file === MIGRATE)).toEqual({ file: MIGRATE, source: 'base-commit', id: later, skipped: [`blob deadbee is not in ${repo}`] });
    expect(sources.find((s) => s.file === RMAP)).toMatchObject({ file: RMAP, source: 'blob', skipped: [] });
    expect(report.patches[0].kernelVersion).toBe('6.12');
    expect(report.findings.filter((f) => f.status === 'introduced').map((f) => [f.rule, f.partial])).toEqual([[RULE, false]]);
  });

  it('then --tree, then the hunks alone; each file says why the better sources were not used', async () => {
    const mail = twoFiles({ migrate: 'deadbee', rmap: 'feedfac' }, base);
    // mm/migrate.c: not at base (the patch is on `later`) -> the tree (at `later`);
    // without a tree -> the hunks.
    const withTree = await runPatch({ inputs: [write('t.patch', mail)], repo, tree: laterTree });
    expect(withTree.result.errors, brief(withTree.result)).toEqual([]);
    const m = withTree.result.patches[0].sources!.find((s) => s.file === MIGRATE)!;
    expect(m.source).toBe('tree');
    expect(m.skipped[0]).toBe(`blob deadbee is not in ${repo}`);
    expect(m.skipped[1]).toMatch(new RegExp(`^base-commit ${base.slice(0, 12)}: hunk 1 .* does not apply`));
    const r = withTree.result.patches[0].sources!.find((s) => s.file === RMAP)!;
    expect(r.source).toBe('base-commit');

    const noTree = await cli(['patch', write('h.patch', mail), '--repo', repo]);
    expect(noTree.stdout).toContain(`  ${MIGRATE}: rebuilt from the hunks alone\n    not used: blob deadbee is not in ${repo}\n`);
    expect(noTree.stdout).toContain(`  ${RMAP}: pre-image: base-commit ${base.slice(0, 12)}\n    not used: blob feedfac is not in ${repo}\n`);
  });

  it('an ambiguous abbreviated id falls back and says so', async () => {
    // Two blobs whose ids share their first four hex digits, written into the repository.
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const text = `blob ${i}\n`;
      const id = createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
      const other = seen.get(id.slice(0, 4));
      if (other !== undefined) pair = [other, text];
      else seen.set(id.slice(0, 4), text);
    }
    const dir = tempDir('ptelint-repo-blobs-');
    mkdirSync(dir, { recursive: true });
    const files = pair.map((text, k) => writeFiles(dir, { [`b${k}`]: text }) && path.join(dir, `b${k}`));
    const ids = git(repo, ['hash-object', '-w', ...files]).trim().split('\n');
    expect(ids[0].slice(0, 4)).toBe(ids[1].slice(0, 4));
    const prefix = ids[0].slice(0, 4);
    const mail = twoFiles({ migrate: prefix });
    const run = await runPatch({ inputs: [write('amb.patch', mail)], repo });
    const m = run.result.patches[0].sources!.find((s) => s.file === MIGRATE)!;
    expect(m).toEqual({ file: MIGRATE, source: 'hunks', skipped: [`blob ${prefix} is ambiguous in ${repo}`] });
  });

  it('a directory that is not a git repository is an error naming it; the patch is still analysed from its hunks', async () => {
    const notRepo = tempDir('ptelint-not-a-repo-');
    const run = await cli(['patch', write('bug.patch', bugMail), '--repo', notRepo]);
    expect(run.stderr).toContain(`--repo ${notRepo}: not a git repository`);
    expect(run.stdout).toMatch(/1 introduced/);
    expect(run.status).toBe(1);
  });

  it('inside a repository, --repo defaults to it; outside one, nothing is said', async () => {
    const cwd = process.cwd();
    try {
      process.chdir(repo);
      const inside = await runPatch({ inputs: [write('bug.patch', bugMail)] });
      expect(inside.result.patches[0].sources?.[0]).toMatchObject({ source: 'blob', skipped: [] });
      process.chdir(tempDir('ptelint-outside-'));
      const outside = await runPatch({ inputs: [write('bug.patch', bugMail)] });
      expect(outside.result.patches[0].sources).toBeUndefined();
      expect(outside.result.findings.every((f) => f.partial)).toBe(true);
      // --no-repo: none, even inside one.
      process.chdir(repo);
      const none = await cli(['patch', write('bug.patch', bugMail), '--no-repo', '--format', 'json']);
      expect(JSON.parse(none.stdout).patches[0].sources).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });
});

describe.skipIf(noTree)('--tree: a patch already in the tree', () => {
  it('is reported previously applied for that file and analysed once, the tree as post-image', async () => {
    const buggyTree = writeFiles(tempDir('ptelint-repo-applied-'), {
      Makefile: readFileSync(path.join(corpus, 'Makefile'), 'utf8'),
      [MIGRATE]: editRemoveMigrationPte(laterMigrate, GOOD_GUARD, BAD_GUARD),
    });
    const file = write('bug.patch', bugMail);
    const applied = await runPatch({ inputs: [file], tree: buggyTree, repo: false });
    const fresh = await runPatch({ inputs: [file], tree: laterTree, repo: false });
    expect(applied.result.errors, brief(applied.result)).toEqual([]);
    expect(applied.result.patches[0].sources).toEqual([{ file: MIGRATE, source: 'tree-applied', skipped: [] }]);
    expect(keysOf(applied.result)).toEqual(keysOf(fresh.result));
    const text = await cli(['patch', file, '--tree', buggyTree, '--no-repo']);
    expect(text.stdout).toContain(`  ${MIGRATE}: already applied in the tree (previously applied)`);
  });
});

describe.skipIf(noTree)('kernel version from the mail', () => {
  it('a stable subject gives the version when nothing else does; --kernel-version wins', async () => {
    const mail = bugMail.replace('Subject: [PATCH]', 'Subject: [PATCH 6.1 12/98]');
    const file = write('stable.patch', mail);
    const { report } = await cliJson([file, '--no-repo']);
    expect(report.patches[0].kernelVersion).toBe('6.1');
    const explicit = await cliJson([file, '--no-repo', '--kernel-version', '6.6']);
    expect(explicit.report.patches[0].kernelVersion).toBe('6.6');
  });
});
