// Inputs `ptelint patch` must survive: never a crash, a clear error naming the input (and the file
// and hunk where there is one), and the other inputs still analyzed. Each case runs through
// runPatch and through the CLI. All patches are generated at test time from sources/migrate.c
// (the bug of generated.test.ts: remove_migration_pte() granting write from the VMA), so they
// need no kernel tree.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatch, type PatchOptions } from '../../src/engine/run-patch.js';
import type { PatchRunResult } from '../../src/finding.js';
import { brief, cli, fixtureMaterial, gitDiff, migrateTree, MIGRATE, patchMail, removeTemps, tempDir, writeFiles, type Material } from './helpers.js';

const RULE = 'pte-write-grant-unjustified';
const MB = 1000 * 1000;
const MIB = 1024 * 1024;

let m: Material;
let dir: string;
/** Tree with the released mm/migrate.c, and one with the buggy one. */
let cleanTree: string;
let buggyTree: string;
let bugPatch: string;

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** runPatch, which must not throw nor report an internal error. */
async function run(options: PatchOptions): Promise<PatchRunResult> {
  const { result } = await runPatch(options);
  for (const e of result.errors) expect(e.message).not.toMatch(/internal error/i);
  return result;
}

/** The CLI must not crash: an exit status it documents, and no internal error on stderr. */
async function runCliChecked(args: string[]) {
  const r = await cli(['patch', ...args]);
  expect([0, 1, 2]).toContain(r.status);
  expect(r.stderr).not.toMatch(/internal error|TypeError|RangeError|at .*\.ts:\d+/);
  return r;
}

/** The bug patch with both line counts of its hunk header (7 and 7) replaced by `n`. */
function withHunkCounts(n: number): string {
  const text = m.bugPatch.replace(/^@@ -(\d+),7 \+(\d+),7 @@/m, (_, a: string, b: string) => `@@ -${a},${n} +${b},${n} @@`);
  if (text === m.bugPatch) throw new Error('withHunkCounts: no `@@ -N,7 +N,7 @@` header');
  return text;
}

beforeAll(() => {
  m = fixtureMaterial();
  dir = tempDir();
  cleanTree = migrateTree(m, m.original);
  buggyTree = migrateTree(m, m.buggy);
  bugPatch = write('bug.patch', m.bugPatch);
});
afterAll(removeTemps);

function expectErrorNaming(result: PatchRunResult, input: string, ...parts: (string | RegExp)[]): void {
  const hit = result.errors.find((e) => e.file === input && parts.every((p) => (typeof p === 'string' ? e.message.includes(p) : p.test(e.message))));
  expect(hit, `no error for ${input} matching ${parts.join(' & ')}: ${brief(result)}`).toBeDefined();
}

describe('truncated hunk', () => {
  let file: string;
  beforeAll(() => {
    // The hunk header promises 7 lines per side; the mail ends after the `-` line.
    const lines = m.bugPatch.split('\n');
    const cut = lines.findIndex((l) => l.startsWith('-\t\tif'));
    file = write('truncated.patch', lines.slice(0, cut + 1).join('\n') + '\n');
  });

  it.each([['with the tree', true], ['without a tree', false]])('%s: an error naming the input, the file and the hunk', async (_, withTree) => {
    const result = await run(withTree ? { inputs: [file], tree: cleanTree } : { inputs: [file] });
    expectErrorNaming(result, file, MIGRATE, /hunk 1\b/, /truncated/);
    expect(result.findings).toEqual([]);
  });

  it('CLI: the error on stderr names the input, the file and the hunk', async () => {
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain(MIGRATE);
    expect(r.stderr).toMatch(/hunk 1\b/);
  });
});

describe('wrong hunk counts', () => {
  it('counts too small (a diff line follows the hunk): an error naming the file and the hunk', async () => {
    const file = write('counts-small.patch', withHunkCounts(3));
    for (const options of [{ inputs: [file], tree: cleanTree }, { inputs: [file] }]) {
      const result = await run(options);
      expectErrorNaming(result, file, MIGRATE, /hunk 1\b/, /count/);
      expect(result.findings).toEqual([]);
    }
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/hunk 1\b/);
  });

  it('counts too large (the hunk runs out): an error naming the file and the hunk', async () => {
    const file = write('counts-large.patch', withHunkCounts(9));
    for (const options of [{ inputs: [file], tree: cleanTree }, { inputs: [file] }]) {
      const result = await run(options);
      expectErrorNaming(result, file, MIGRATE, /hunk 1\b/, /expected 9/);
    }
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/hunk 1\b/);
  });
});

describe('binary diffs', () => {
  const BLOB = [
    'diff --git a/firmware/blob.bin b/firmware/blob.bin',
    'index 1111111..2222222 100644',
    'GIT binary patch',
    'literal 5',
    'McmZ?wbaHnF000C40RR91',
    '',
    'literal 0',
    'HcmV?d00001',
    '',
  ].join('\n');

  it('a binary diff next to a C diff: the C file is still analyzed', async () => {
    const file = write('mixed-binary.patch', `${BLOB}\n${m.bugPatch}`);
    const result = await run({ inputs: [file], tree: cleanTree });
    expect(result.patches).toHaveLength(1);
    expect(result.patches[0].files).toEqual(['firmware/blob.bin', MIGRATE]);
    expect(result.findings.map((f) => [f.rule, f.status, f.file])).toEqual([[RULE, 'introduced', MIGRATE]]);
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.status).toBe(1);
  });

  it('a binary diff of a C file: an error says mm/migrate.c was not analyzed (never a silent pass)', async () => {
    const file = write('binary-c.patch', [
      `diff --git a/${MIGRATE} b/${MIGRATE}`,
      'index 1111111..2222222 100644',
      `Binary files a/${MIGRATE} and b/${MIGRATE} differ`,
      '',
    ].join('\n'));
    for (const options of [{ inputs: [file], tree: cleanTree }, { inputs: [file] }]) {
      const result = await run(options);
      expect(result.findings).toEqual([]);
      expectErrorNaming(result, file, MIGRATE, /binary/i);
    }
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain(MIGRATE);
  });
});

describe('renames', () => {
  const header = (from: string, to: string, similarity: number) => [
    `diff --git a/${from} b/${to}`,
    `similarity index ${similarity}%`,
    `rename from ${from}`,
    `rename to ${to}`,
  ];

  it('a pure rename: no error, nothing to report, exit 0', async () => {
    const file = write('rename.patch', header(MIGRATE, 'mm/migration.c', 100).join('\n') + '\n');
    const result = await run({ inputs: [file], tree: cleanTree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => p.files)).toEqual([['mm/migration.c']]);
    expect(result.findings).toEqual([]);
    expect((await runCliChecked([file, '--tree', cleanTree])).status).toBe(0);
  });

  it('a rename with the bug in it: introduced under the new name', async () => {
    const body = m.bugPatch.split('\n').slice(1).join('\n').replace(`+++ b/${MIGRATE}`, '+++ b/mm/migration.c');
    const file = write('rename-edit.patch', [...header(MIGRATE, 'mm/migration.c', 99), body].join('\n'));
    const result = await run({ inputs: [file], tree: cleanTree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.status, f.file, f.function, f.line])).toEqual([[RULE, 'introduced', 'mm/migration.c', 'remove_migration_pte', m.grantLine]]);
    expect((await runCliChecked([file, '--tree', cleanTree])).status).toBe(1);
  });

  it('a rename of a file the tree does not have: an error naming it', async () => {
    const file = write('rename-missing.patch', header('mm/no-such-file.c', 'mm/other.c', 100).join('\n') + '\n');
    const result = await run({ inputs: [file], tree: cleanTree });
    expectErrorNaming(result, file, 'mm/no-such-file.c');
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.stderr).toContain('mm/no-such-file.c');
  });
});

describe('deletions', () => {
  let file: string;
  beforeAll(() => {
    file = write('delete.patch', gitDiff(m.buggy, null, MIGRATE));
  });

  it('deleting the buggy file fixes its finding, on the tree and without (a deletion is exact)', async () => {
    for (const options of [{ inputs: [file], tree: buggyTree }, { inputs: [file] }]) {
      const result = await run(options);
      expect(result.errors, brief(result)).toEqual([]);
      expect(result.findings.map((f) => [f.rule, f.status, f.function, f.line, f.partial]), brief(result)).toEqual([[RULE, 'fixed', 'remove_migration_pte', m.grantLine, false]]);
    }
    expect((await runCliChecked([file, '--tree', buggyTree])).status).toBe(0);
  });

  it('a deletion that does not match the tree: an error naming the file and the hunk', async () => {
    const result = await run({ inputs: [file], tree: cleanTree });
    expectErrorNaming(result, file, MIGRATE, /hunk 1\b/);
    expect(result.findings).toEqual([]);
    const r = await runCliChecked([file, '--tree', cleanTree]);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/hunk 1\b/);
  });
});

describe('a 50 MB mail', () => {
  let big: string;
  beforeAll(() => {
    const prose = '> Quoted prose of a very long thread, kept by every reply that followed it, line after line.\n';
    const body = prose.repeat(Math.ceil((50 * MB) / prose.length));
    big = write('big.mbox', patchMail(m.bugPatch) + '\n' + body);
    expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(50 * MB);
  });

  it('the bug patch followed by 50 MB of quoted prose: the finding is still found', async () => {
    const result = await run({ inputs: [big], tree: cleanTree });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.status, f.line, f.input?.line])).toEqual([[RULE, 'introduced', m.grantLine, expect.any(Number)]]);
    const r = await runCliChecked([big, '--tree', cleanTree]);
    expect(r.status).toBe(1);
  });

  it('without a tree: one patch, one hunk, no error', async () => {
    const result = await run({ inputs: [big] });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => [p.files, p.hunks])).toEqual([[[MIGRATE], 1]]);
  });

  it('over 50 MiB: refused with an error naming the input, the run goes on', async () => {
    const huge = write('huge.mbox', Buffer.alloc(50 * MIB + 1, 'x\n'));
    const result = await run({ inputs: [huge, bugPatch], tree: cleanTree });
    expectErrorNaming(result, huge, /50 MiB/);
    expect(result.findings.map((f) => f.rule)).toEqual([RULE]);
    const r = await runCliChecked([huge]);
    expect(r.stderr).toContain(huge);
    expect(r.status).toBe(2);
  });
});

describe('paths escaping the tree', () => {
  let base: string;
  let tree: string;
  beforeAll(() => {
    // base/tree is the tree; base/etc/passwd and base/outside/migrate.c sit beside it and hold the
    // released mm/migrate.c: had they been read, the patch would apply and report the bug.
    base = tempDir('ptelint-pm-escape-');
    tree = path.join(base, 'tree');
    writeFiles(tree, { Makefile: m.makefile, 'mm/placeholder.c': '/* nothing */\n' });
    writeFiles(base, { 'etc/passwd': m.original, 'outside/migrate.c': m.original });
  });

  it.each([
    ['../etc/passwd', () => '../etc/passwd'],
    ['../outside/migrate.c', () => '../outside/migrate.c'],
    ['an absolute path to a file outside', () => path.join(base, 'outside/migrate.c')],
    ['/etc/passwd', () => '/etc/passwd'],
  ])('%s: refused with an error naming the path, nothing read', async (name, target) => {
    const t = target();
    const prefixed = (side: 'a' | 'b') => (t.startsWith('/') ? t : `${side}/${t}`);
    const text = m.bugPatch
      .replace(`diff --git a/${MIGRATE} b/${MIGRATE}`, `diff --git ${prefixed('a')} ${prefixed('b')}`)
      .replace(`--- a/${MIGRATE}`, `--- ${prefixed('a')}`)
      .replace(`+++ b/${MIGRATE}`, `+++ ${prefixed('b')}`);
    expect(text).not.toContain(MIGRATE);
    const file = write(`escape-${name.replace(/\W+/g, '-')}.patch`, text);
    const result = await run({ inputs: [file], tree });
    expectErrorNaming(result, file, t);
    expect(result.errors.every((e) => !e.message.includes('pte_mkwrite'))).toBe(true);
    expect(result.findings).toEqual([]);
    expect(result.summary.files).toBe(0);
    const r = await runCliChecked([file, '--tree', tree]);
    expect(r.stderr).toContain(t);
  });

  it('control: the same patch naming etc/passwd inside the tree is read and reports the bug', async () => {
    // Shows the sentinels above would have given a finding had they been read.
    const inside = writeFiles(tempDir('ptelint-pm-control-'), { Makefile: m.makefile, 'etc/passwd': m.original });
    const file = write('control-inside.patch', m.bugPatch.replaceAll(MIGRATE, 'etc/passwd'));
    const result = await run({ inputs: [file], tree: inside });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.status, f.file])).toEqual([[RULE, 'introduced', 'etc/passwd']]);
  });

  it('a new file outside the tree (`+++ b/../evil.c`) is refused too', async () => {
    const text = ['diff --git a/../evil.c b/../evil.c', 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', '+++ b/../evil.c', '@@ -0,0 +1 @@', '+int evil;', ''].join('\n');
    const file = write('escape-new.patch', text);
    const result = await run({ inputs: [file], tree });
    expectErrorNaming(result, file, '../evil.c');
    expect(result.summary.files).toBe(0);
  });

  it('a symbolic link inside the tree pointing outside is refused', async () => {
    mkdirSync(path.join(tree, 'mm'), { recursive: true });
    symlinkSync(path.join(base, 'outside/migrate.c'), path.join(tree, 'mm/linked.c'));
    symlinkSync(path.join(base, 'outside'), path.join(tree, 'linkdir'));
    for (const target of ['mm/linked.c', 'linkdir/migrate.c']) {
      const file = write(`escape-link-${target.replace(/\W+/g, '-')}.patch`, m.bugPatch.replaceAll(MIGRATE, target));
      const result = await run({ inputs: [file], tree });
      expectErrorNaming(result, file, target);
      expect(result.findings).toEqual([]);
    }
  });
});

describe('a binary input file', () => {
  it('is refused with an error naming it; no patch; CLI exit 2', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const file = write('random.bin', bytes);
    for (const options of [{ inputs: [file], tree: cleanTree }, { inputs: [file] }]) {
      const result = await run(options);
      expect(result.patches).toEqual([]);
      expectErrorNaming(result, file, /binary/i);
    }
    const r = await runCliChecked([file]);
    expect(r.stderr).toContain(file);
    expect(r.status).toBe(2);
  });
});

describe('two inputs, one unusable', () => {
  let binary: string;
  let missing: string;
  let reverse: string;
  let truncated: string;
  beforeAll(() => {
    binary = write('two-binary.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    missing = path.join(dir, 'no-such.patch');
    reverse = write('two-reverse.patch', m.reversePatch);
    const lines = m.bugPatch.split('\n');
    truncated = write('two-truncated.patch', lines.slice(0, 7).join('\n') + '\n');
  });

  it.each([
    ['a binary file first', () => [binary, bugPatch]],
    ['a binary file last', () => [bugPatch, binary]],
    ['a missing file', () => [missing, bugPatch]],
    ['a truncated patch', () => [truncated, bugPatch]],
  ])('%s: the other input\'s finding is there, the exit status comes from it (1)', async (_, inputs) => {
    const [bad] = inputs().filter((i) => i !== bugPatch);
    const result = await run({ inputs: inputs(), tree: cleanTree });
    expect(result.errors.length, brief(result)).toBeGreaterThan(0);
    expect(result.errors.every((e) => e.file === bad), brief(result)).toBe(true);
    expect(result.findings.map((f) => [f.rule, f.status, f.input?.file])).toEqual([[RULE, 'introduced', bugPatch]]);
    const r = await runCliChecked([...inputs(), '--tree', cleanTree]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(bad);
  });

  it('next to a fixing patch the exit status is 0', async () => {
    const result = await run({ inputs: [binary, reverse], tree: buggyTree });
    expect(result.findings.map((f) => [f.rule, f.status])).toEqual([[RULE, 'fixed']]);
    const r = await runCliChecked([binary, reverse, '--tree', buggyTree]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(binary);
  });
});

// README, docs/architecture.md and `ptelint --help`: "2 usage error, or no usable input at all". A run whose
// every input was unusable vouches for nothing and must not read as clean (0) to a CI script;
// `ptelint check` already works that way (errors and no file analyzed -> 2).
describe('CLI: no usable input at all exits 2', () => {
  let escapeTree: string;
  beforeAll(() => {
    escapeTree = migrateTree(m, m.original);
  });

  it.each([
    ['a binary input file', () => [write('only-binary.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00]))], () => cleanTree],
    ['an input without a diff', () => [write('only-prose.txt', 'Just a reply, no diff.\n')], () => cleanTree],
    ['a missing input file', () => [path.join(dir, 'missing.patch')], () => cleanTree],
    ['a truncated hunk (does not apply)', () => [write('only-truncated.patch', m.bugPatch.split('\n').slice(0, 8).join('\n') + '\n')], () => cleanTree],
    // Neither forward nor reversed: the tree holds a third version of the guard.
    ['a patch that does not apply to the tree', () => [write('only-reverse.patch', m.reversePatch)], () => migrateTree(m, m.original.replace('if (is_writable_migration_entry(entry))\n\t\t\tpte = pte_mkwrite(pte, vma);', 'if (pte_write(pte))\n\t\t\tpte = pte_mkwrite(pte, vma);'))],
    ['a deletion that does not match the tree', () => [write('only-delete.patch', gitDiff(m.buggy, null, MIGRATE))], () => cleanTree],
    ['a path escaping the tree', () => [write('only-escape.patch', m.bugPatch.replaceAll(`a/${MIGRATE}`, 'a/../etc/passwd').replaceAll(`b/${MIGRATE}`, 'b/../etc/passwd'))], () => escapeTree],
    ['a binary diff of a C file', () => [write('only-binary-c.patch', `diff --git a/${MIGRATE} b/${MIGRATE}\nindex 1111111..2222222 100644\nBinary files a/${MIGRATE} and b/${MIGRATE} differ\n`)], () => cleanTree],
  ])('%s', async (_name, inputs, tree) => {
    const files = inputs();
    const r = await runCliChecked([...files, '--tree', tree()]);
    expect(r.status, r.stdout + r.stderr).toBe(2);
  });
});
