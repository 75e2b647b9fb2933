// A real patch generated at test time from the 6.12 corpus: remove_migration_pte()'s guard
// `is_writable_migration_entry(entry)` of `pte = pte_mkwrite(pte, vma);` becomes
// `vma->vm_flags & VM_WRITE` (the bug of seed 001: write granted from the VMA, not the source
// entry). Its introduction and its fix, with and without the tree, and through the CLI.
//
// The rule reports the grant it cannot justify, `pte_mkwrite()`, which is the line right after
// the edited guard: `grantLine` below.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { brief, cli, cliJson, GRANT_TEXT, lineAt, material, migrateTree, MIGRATE, missingKernelTree, removeTemps, tempDir, type Material } from './helpers.js';

const noTree = missingKernelTree('6.12');

const RULE = 'pte-write-grant-unjustified';

let m: Material;
let dir: string;
let bugPatch: string;
let reversePatch: string;
/** Tree holding the released file, and one holding the buggy file. */
let cleanTree: string;
let buggyTree: string;

beforeAll(() => {
  m = material();
  dir = tempDir();
  bugPatch = path.join(dir, 'bug.patch');
  reversePatch = path.join(dir, 'reverse.patch');
  writeFileSync(bugPatch, m.bugPatch);
  writeFileSync(reversePatch, m.reversePatch);
  cleanTree = migrateTree(m, m.original);
  buggyTree = migrateTree(m, m.buggy);
});
afterAll(removeTemps);

describe.skipIf(noTree)('the generated patches', () => {
  it('are real one-hunk diffs of mm/migrate.c touching the guard', () => {
    for (const text of [m.bugPatch, m.reversePatch]) {
      const lines = text.split('\n');
      expect(lines.slice(0, 4)).toEqual([`diff --git a/${MIGRATE} b/${MIGRATE}`, expect.stringMatching(/^index /), `--- a/${MIGRATE}`, `+++ b/${MIGRATE}`]);
      expect(lines.filter((l) => l.startsWith('@@'))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('@@'))[0]).toContain('remove_migration_pte');
    }
    expect(m.bugPatch).toContain('\n-\t\tif (is_writable_migration_entry(entry))\n+\t\tif (vma->vm_flags & VM_WRITE)\n');
    expect(m.reversePatch).toContain('\n-\t\tif (vma->vm_flags & VM_WRITE)\n+\t\tif (is_writable_migration_entry(entry))\n');
    expect(lineAt(m.buggy, m.grantLine)).toContain(GRANT_TEXT);
  });
});

describe.skipIf(noTree)('(a) the bug patch on the tree', () => {
  it('introduces one exact pte-write-grant-unjustified finding in remove_migration_pte at the grant', async () => {
    const { result, sourceLine } = await runPatch({ inputs: [bugPatch], tree: cleanTree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.findings, brief(result)).toHaveLength(1);
    const [f] = result.findings;
    expect(f).toMatchObject({ rule: RULE, severity: 'error', status: 'introduced', file: MIGRATE, function: 'remove_migration_pte', line: m.grantLine, partial: false, patch: 1 });
    expect(sourceLine(f)).toContain(GRANT_TEXT);
    // In the patch the grant is the context line under the edited guard.
    expect(f.input?.file).toBe(bugPatch);
    expect(lineAt(m.bugPatch, f.input!.line)).toBe(` \t\t\t${GRANT_TEXT}`);
    expect(lineAt(m.bugPatch, f.input!.line - 1)).toBe('+\t\tif (vma->vm_flags & VM_WRITE)');
  });

  it('never writes to the tree', async () => {
    await runPatch({ inputs: [bugPatch], tree: cleanTree });
    expect(readFileSync(path.join(cleanTree, MIGRATE), 'utf8')).toBe(m.original);
  });
});

describe.skipIf(noTree)('(b) the bug patch without a tree', () => {
  it('introduces the same finding, partial, at the same line', async () => {
    const { result } = await runPatch({ inputs: [bugPatch] });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => [p.files, p.hunks])).toEqual([[[MIGRATE], 1]]);
    const got = result.findings.filter((f) => f.rule === RULE);
    expect(got, brief(result)).toHaveLength(1);
    expect(got[0]).toMatchObject({ rule: RULE, status: 'introduced', file: MIGRATE, function: 'remove_migration_pte', line: m.grantLine, partial: true, patch: 1 });
    expect(result.findings.filter((f) => f.status === 'introduced')).toHaveLength(1);
  });
});

describe.skipIf(noTree)('(c) the reverse patch fixes it', () => {
  it('on a tree holding the buggy file: fixed, exact', async () => {
    const { result, sourceLine } = await runPatch({ inputs: [reversePatch], tree: buggyTree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.findings, brief(result)).toHaveLength(1);
    const [f] = result.findings;
    expect(f).toMatchObject({ rule: RULE, status: 'fixed', file: MIGRATE, function: 'remove_migration_pte', line: m.grantLine, partial: false, patch: 1 });
    expect(sourceLine(f)).toContain(GRANT_TEXT);
    expect(lineAt(m.reversePatch, f.input!.line)).toBe(` \t\t\t${GRANT_TEXT}`);
  });

  it('on the released file it is already applied: reported so, the tree is its post-image, nothing applied twice', async () => {
    // The released file is the reverse patch's post-image: GNU patch says "Reversed (or
    // previously applied) patch detected". The pre-image is the tree with the hunks reversed.
    const { result } = await runPatch({ inputs: [reversePatch], tree: cleanTree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches[0].sources).toEqual([{ file: MIGRATE, source: 'tree-applied', skipped: [] }]);
    expect(result.findings.map((f) => [f.rule, f.status, f.line, f.partial])).toEqual([[RULE, 'fixed', m.grantLine, false]]);
    expect(readFileSync(path.join(cleanTree, MIGRATE), 'utf8')).toBe(m.original);
  });

  it('without a tree: fixed, partial', async () => {
    const { result } = await runPatch({ inputs: [reversePatch] });
    expect(result.errors, brief(result)).toEqual([]);
    const got = result.findings.filter((f) => f.rule === RULE);
    expect(got, brief(result)).toHaveLength(1);
    expect(got[0]).toMatchObject({ status: 'fixed', function: 'remove_migration_pte', line: m.grantLine, partial: true });
  });
});

describe.skipIf(noTree)('(d) --fail-on through the CLI', () => {
  it('the bug patch exits 1 on the tree', async () => {
    for (const args of [[bugPatch, '--tree', cleanTree], [bugPatch, '--tree', cleanTree, '--fail-on', 'error']]) {
      const run = await cliJson(args);
      expect(run.status, run.stdout).toBe(1);
      expect(run.report.findings.map((f) => [f.rule, f.status])).toEqual([[RULE, 'introduced']]);
    }
  });

  it('the bug patch exits 1 without a tree', async () => {
    const noTree = await cliJson([bugPatch]);
    expect(noTree.status, noTree.stdout).toBe(1);
  });

  it('--fail-on never exits 0 even for the bug patch', async () => {
    const run = await cliJson([bugPatch, '--tree', cleanTree, '--fail-on', 'never']);
    expect(run.status).toBe(0);
    expect(run.report.findings).toHaveLength(1);
  });

  it('the reverse patch exits 0: a fixed finding never fails the run', async () => {
    for (const failOn of ['note', 'warning', 'error']) {
      const run = await cliJson([reversePatch, '--tree', buggyTree, '--fail-on', failOn]);
      expect(run.status, run.stdout).toBe(0);
      expect(run.report.findings.map((f) => [f.rule, f.status])).toEqual([[RULE, 'fixed']]);
    }
    const noTree = await cliJson([reversePatch]);
    expect(noTree.status).toBe(0);
  });

  it('the text output names the rule, the status and the file:line', async () => {
    const run = await cli(['patch', bugPatch, '--tree', cleanTree]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`${MIGRATE}:${m.grantLine}:`);
    expect(run.stdout).toContain(`[${RULE}]`);
    expect(run.stdout).toMatch(/status: introduced/);
  });
});
