// A three-patch series made by `git format-patch --cover-letter` at test time, on mm/migrate.c
// (sources/migrate.c, written for these tests, with a 6.12 Makefile): 1 adds a comment in
// remove_migration_pte(), 2 grants write from the VMA (the bug), 3 reverts 2. Each patch is made
// against the state the previous one left, so 2 needs 1's comment in its context and 3 only
// applies on top of 2. With --tree the series is applied in order: 2 introduces the finding, 3
// fixes it, 1 and the cover letter report nothing.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import {
  BAD_GUARD,
  brief,
  cliJson,
  editRemoveMigrationPte,
  fixtureMaterial,
  git,
  GOOD_GUARD,
  GRANT_TEXT,
  lineAt,
  lineOf,
  migrateTree,
  MIGRATE,
  removeTemps,
  tempDir,
  writeFiles,
  type Material,
} from './helpers.js';

const RULE = 'pte-write-grant-unjustified';
const COMMENT = '\t\t/* The migration entry, not the VMA, says whether the page was writable. */\n';
const TITLES = [
  'mm/migrate: say where remove_migration_pte() takes the write bit from',
  'mm/migrate: restore write permission from the VMA',
  'Revert "mm/migrate: restore write permission from the VMA"',
];
const COVER_TITLE = 'mm/migrate: write bit of restored migration entries';

let m: Material;
let states: string[];
let mbox: string;
let mboxText: string;
let tree: string;
/** Post-image line of the grant after patch 2 (patch 1 added a line above it). */
let grantLine: number;

beforeAll(() => {
  m = fixtureMaterial();
  const s1 = editRemoveMigrationPte(m.original, GOOD_GUARD, COMMENT + GOOD_GUARD);
  const s2 = editRemoveMigrationPte(s1, GOOD_GUARD, BAD_GUARD);
  const s3 = editRemoveMigrationPte(s2, BAD_GUARD, GOOD_GUARD);
  states = [m.original, s1, s2, s3];
  grantLine = lineOf(s2, 'if (vma->vm_flags & VM_WRITE)') + 1;
  expect(lineAt(s2, grantLine)).toContain(GRANT_TEXT);

  const repo = tempDir('ptelint-pm-series-repo-');
  git(repo, ['init', '-q', '-b', 'master']);
  writeFiles(repo, { Makefile: m.makefile, [MIGRATE]: m.original });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'base: mm/migrate.c of 6.12']);
  TITLES.forEach((title, i) => {
    writeFiles(repo, { [MIGRATE]: states[i + 1] });
    git(repo, ['commit', '-q', '-a', '-m', `${title}\n\nPatch ${i + 1} of the generated series.\n\nSigned-off-by: t <t@e>`]);
  });
  mboxText = git(repo, ['format-patch', '--cover-letter', '--stdout', '--no-signature', '-3', 'HEAD'])
    .replace('*** SUBJECT HERE ***', COVER_TITLE)
    .replace('*** BLURB HERE ***', 'Three patches: a comment, a bug, its revert.');
  mbox = path.join(tempDir(), 'series.mbox');
  writeFileSync(mbox, mboxText);
  tree = migrateTree(m, m.original);
});
afterAll(removeTemps);

describe('the generated mbox', () => {
  it('is a cover letter and three mails with `From <sha>` separators', () => {
    const separators = mboxText.split('\n').filter((l) => /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/.test(l));
    expect(separators).toHaveLength(4);
    // git folds long subjects onto a continuation line (RFC 5322); unfold before comparing.
    const subjects = mboxText.replace(/\n[ \t]+/g, ' ').split('\n').filter((l) => l.startsWith('Subject: '));
    expect(subjects).toEqual([`Subject: [PATCH 0/3] ${COVER_TITLE}`, ...TITLES.map((t, i) => `Subject: [PATCH ${i + 1}/3] ${t}`)]);
    // Patch 2's context holds patch 1's comment; patch 3 removes patch 2's guard.
    const mails = mboxText.split(/\n(?=From [0-9a-f]{40} )/);
    expect(mails[2]).toContain(` ${COMMENT.trimEnd()}\n-\t\tif (is_writable_migration_entry(entry))`);
    expect(mails[3]).toContain('\n-\t\tif (vma->vm_flags & VM_WRITE)\n');
  });
});

describe('the series on the tree', () => {
  it('patch 2 introduces, patch 3 fixes, patch 1 and the cover letter report nothing', async () => {
    const { result, sourceLine } = await runPatch({ inputs: [mbox], tree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => p.index)).toEqual([1, 2, 3]);
    // Subjects as the mails give them (folded ones unfolded), in series order.
    expect(result.patches.map((p) => p.subject)).toEqual(TITLES.map((t, i) => `[PATCH ${i + 1}/3] ${t}`));
    expect(result.patches.map((p) => [p.files, p.hunks, p.input])).toEqual(TITLES.map(() => [[MIGRATE], 1, mbox]));

    const got = result.findings.map((f) => ({ rule: f.rule, status: f.status, patch: f.patch, function: f.function, line: f.line, partial: f.partial }));
    expect(got, brief(result)).toEqual([
      { rule: RULE, status: 'introduced', patch: 2, function: 'remove_migration_pte', line: grantLine, partial: false },
      { rule: RULE, status: 'fixed', patch: 3, function: 'remove_migration_pte', line: grantLine, partial: false },
    ].sort((a, b) => a.line - b.line));
    for (const f of result.findings) {
      expect(sourceLine(f)).toContain(GRANT_TEXT);
      // Each points into its own mail of the mbox, at the grant's context line.
      expect(lineAt(mboxText, f.input!.line)).toBe(` \t\t\t${GRANT_TEXT}`);
    }
    const [introduced, fixed] = [result.findings.find((f) => f.status === 'introduced')!, result.findings.find((f) => f.status === 'fixed')!];
    expect(fixed.input!.line).toBeGreaterThan(introduced.input!.line);
  });

  it('patch 3 alone does not apply to the released file (it depends on patch 2)', async () => {
    const third = mboxText.split(/\n(?=From [0-9a-f]{40} )/)[3];
    const file = path.join(tempDir(), '0003.patch');
    writeFileSync(file, third);
    const { result } = await runPatch({ inputs: [file], tree });
    expect(result.findings).toEqual([]);
    expect(result.errors.length, brief(result)).toBeGreaterThan(0);
    expect(result.errors[0].file).toBe(file);
    expect(result.errors[0].message).toContain(MIGRATE);
    expect(result.errors[0].message).toMatch(/hunk 1/);
  });

  it('the tree is left as it was', async () => {
    await runPatch({ inputs: [mbox], tree });
    expect(readFileSync(path.join(tree, MIGRATE), 'utf8')).toBe(m.original);
  });

  it('the same series as three files, in order, is the same series', async () => {
    const dir = tempDir();
    const files = mboxText.split(/\n(?=From [0-9a-f]{40} )/).slice(1).map((mail, i) => {
      const file = path.join(dir, `000${i + 1}.patch`);
      writeFileSync(file, mail);
      return file;
    });
    const { result } = await runPatch({ inputs: files, tree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.findings.map((f) => [f.status, f.patch, f.line, f.input?.file])).toEqual(
      expect.arrayContaining([['introduced', 2, grantLine, files[1]], ['fixed', 3, grantLine, files[2]]]),
    );
    expect(result.findings).toHaveLength(2);
  });

  it('through the CLI: the introduced finding of patch 2 fails the run although patch 3 reverts it', async () => {
    const run = await cliJson([mbox, '--tree', tree]);
    expect(run.status).toBe(1);
    expect(run.report.findings.map((f) => [f.status, f.patch])).toEqual(expect.arrayContaining([['introduced', 2], ['fixed', 3]]));
  });
});

describe('the series without a tree', () => {
  it('reads three patches in order and skips the cover letter', async () => {
    const { result } = await runPatch({ inputs: [mbox] });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => p.subject)).toEqual(TITLES.map((t) => expect.stringContaining(t)));
    expect(result.patches.map((p) => p.hunks)).toEqual([1, 1, 1]);
  });
});
