import { readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImages, treeSource } from '../../src/input/images.js';
import { SAMPLE, edit, gitDiff, makeTree, patchFrom } from './helpers.js';

const trees: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = makeTree(files);
  trees.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

/** SAMPLE's `maybe_mkwrite(pte, vma)` in restore_entry becomes `pte_mkwrite(pte)`. */
const FIXED = edit(SAMPLE, 'pte = maybe_mkwrite(pte, vma);', 'pte = pte_mkwrite(pte);');
const PATCH = gitDiff(SAMPLE, FIXED, 'mm/sample.c');

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

describe('buildImages with a tree', () => {
  it('applies a hunk at its stated line and keeps both images exact', async () => {
    const dir = tree({ 'mm/sample.c': SAMPLE });
    const patch = patchFrom(PATCH);
    const [file] = await buildImages(patch, treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.path).toBe('mm/sample.c');
    expect(file.oldPath).toBe('mm/sample.c');
    expect(file.pre?.text).toBe(SAMPLE);
    expect(file.post?.text).toBe(FIXED);
    expect(file.pre?.partial).toBe(false);
    expect(file.post?.partial).toBe(false);
    const changed = lineOf(SAMPLE, 'maybe_mkwrite(pte, vma)');
    expect(file.pre?.changedLines).toEqual([changed]);
    expect(file.post?.changedLines).toEqual([changed]);
    // The removed and the added line map back to their lines in the diff text.
    const diffLines = PATCH.split('\n');
    expect(diffLines[file.pre!.inputLineOf(changed)! - 1]).toBe('-\t\tpte = maybe_mkwrite(pte, vma);');
    expect(diffLines[file.post!.inputLineOf(changed)! - 1]).toBe('+\t\tpte = pte_mkwrite(pte);');
    // Context lines map too; lines outside the hunk do not.
    expect(diffLines[file.post!.inputLineOf(changed - 1)! - 1]).toBe(' \tif (writable)');
    expect(file.post!.inputLineOf(1)).toBeUndefined();
  });

  it('finds a hunk at an offset (5 extra lines at the top) and moves later hunks by it', async () => {
    const after = edit(FIXED, 'entry = pte_mkold(entry);', 'entry = pte_mkyoung(entry);');
    const patch = patchFrom(gitDiff(SAMPLE, after, 'mm/sample.c'));
    expect(patch.files[0].hunks).toHaveLength(2);
    const top = '/*\n * Five extra lines\n * at the top of the file.\n */\n\n';
    const dir = tree({ 'mm/sample.c': top + SAMPLE });
    const [file] = await buildImages(patch, treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.post?.text).toBe(top + after);
    expect(file.pre?.changedLines).toEqual([
      lineOf(top + SAMPLE, 'maybe_mkwrite(pte, vma)'),
      lineOf(top + SAMPLE, 'pte_mkold(entry)'),
    ]);
    expect(file.post?.changedLines).toEqual([
      lineOf(top + after, 'pte_mkwrite(pte)'),
      lineOf(top + after, 'pte_mkyoung(entry)'),
    ]);
  });

  it('applies with fuzz when an outer context line differs, keeping the tree line', async () => {
    // The first context line of the hunk (`if (pte_swp_soft_dirty(old))`) reads differently in the tree.
    const drifted = edit(SAMPLE, 'if (pte_swp_soft_dirty(old))', 'if (pte_swp_soft_dirty(old)) /* drift */');
    const dir = tree({ 'mm/sample.c': drifted });
    const [file] = await buildImages(patchFrom(PATCH), treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.post?.text).toBe(edit(drifted, 'pte = maybe_mkwrite(pte, vma);', 'pte = pte_mkwrite(pte);'));
    expect(file.pre?.text).toBe(drifted);
  });

  it('applies with fuzz 2 at an offset, but not when the removed line differs', async () => {
    const drifted = '\n\n' + edit(
      edit(SAMPLE, '\tif (pte_swp_soft_dirty(old))\n\t\tpte = pte_mksoft_dirty(pte);', '\tif (soft_dirty(old))\n\t\tpte = mksd(pte);'),
      '\t\tpte = pte_mkuffd_wp(pte);\n\n\tset_pte_at',
      '\t\tpte = mkuffd(pte);\n\n\tset_pte_at',
    );
    const dir = tree({ 'mm/sample.c': drifted });
    const [file] = await buildImages(patchFrom(PATCH), treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.post?.text).toBe(edit(drifted, 'pte = maybe_mkwrite(pte, vma);', 'pte = pte_mkwrite(pte);'));

    const changed = edit(SAMPLE, 'pte = maybe_mkwrite(pte, vma);', 'pte = maybe_mkwrite(pte, other_vma);');
    const [refused] = await buildImages(patchFrom(PATCH), treeSource(tree({ 'mm/sample.c': changed })));
    expect(refused.errors).toHaveLength(1);
    expect(refused.pre).toBeUndefined();
  });

  it('matches whitespace-stripped context as a last resort and re-indents the added line (seed 003 shape)', async () => {
    // As a mail archive leaves it: context lines lost their leading space and indentation, the
    // changed lines keep one space after the marker.
    const mangled = [
      'diff --git a/mm/sample.c b/mm/sample.c',
      '--- a/mm/sample.c',
      '+++ b/mm/sample.c',
      '@@ -26,9 +26,9 @@ static void split_entry(struct vm_area_struct *vma, pte_t *ptep, bool write,',
      '\tentry = pte_wrprotect(*ptep);',
      '} else {',
      'entry = pte_mkdirty(*ptep);',
      'if (write)',
      '- entry = maybe_mkwrite(entry, vma);',
      '+ entry = pte_mkwrite(entry);',
      'if (!young)',
      'entry = pte_mkold(entry);',
      '}',
      'set_pte_at(vma->vm_mm, 0, ptep, entry);',
      '',
      '',
    ].join('\n');
    const dir = tree({ 'mm/sample.c': SAMPLE });
    const [file] = await buildImages(patchFrom(mangled), treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.pre?.text).toBe(SAMPLE);
    expect(file.post?.text).toBe(edit(SAMPLE, 'entry = maybe_mkwrite(entry, vma);', 'entry = pte_mkwrite(entry);'));
    expect(file.post?.changedLines).toEqual([lineOf(SAMPLE, 'maybe_mkwrite(entry, vma)')]);
  });

  it('reports a hunk that does not apply by index and header, and goes on with the other files', async () => {
    const other = 'int other(void)\n{\n\treturn 0;\n}\n';
    const otherAfter = 'int other(void)\n{\n\treturn 1;\n}\n';
    const after = edit(FIXED, 'entry = pte_mkold(entry);', 'entry = pte_mkyoung(entry);');
    const text = gitDiff(SAMPLE, after, 'mm/sample.c') + gitDiff(other, otherAfter, 'mm/other.c');
    const patch = patchFrom(text, 'series.mbox');
    // The tree's split_entry differs where hunk 2 needs it.
    const stale = edit(SAMPLE, '\t\tif (!young)\n\t\t\tentry = pte_mkold(entry);\n', '\t\tentry = pte_mkclean(entry);\n');
    const dir = tree({ 'mm/sample.c': stale, 'mm/other.c': other });
    const [sample, second] = await buildImages(patch, treeSource(dir));
    const hunk = patch.files[0].hunks[1];
    const header = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
    expect(sample.errors).toEqual([
      {
        input: 'series.mbox',
        line: hunk.inputLine,
        file: 'mm/sample.c',
        hunk: 2,
        message: `hunk 2 (${header}) does not apply to mm/sample.c`,
      },
    ]);
    expect(sample.pre).toBeUndefined();
    expect(sample.post).toBeUndefined();
    expect(second.errors).toEqual([]);
    expect(second.path).toBe('mm/other.c');
    expect(second.post?.text).toBe(otherAfter);
  });

  it('applies a 3-patch series in order, each on the result of the previous one', async () => {
    const v1 = FIXED;
    const v2 = edit(v1, 'pte = pte_mkwrite(pte);', 'pte = pte_mkwrite_novma(pte);');
    const v3 = edit(v2, 'pte = pte_mkwrite_novma(pte);', 'pte = pte_mkwrite(pte, vma);');
    const patches = [
      patchFrom(gitDiff(SAMPLE, v1, 'mm/sample.c'), 'series.mbox', 1),
      patchFrom(gitDiff(v1, v2, 'mm/sample.c'), 'series.mbox', 2),
      patchFrom(gitDiff(v2, v3, 'mm/sample.c'), 'series.mbox', 3),
    ];
    const dir = tree({ 'mm/sample.c': SAMPLE });
    const source = treeSource(dir);
    const results = [];
    for (const patch of patches) results.push(await buildImages(patch, source));
    expect(results.map(([f]) => f.errors)).toEqual([[], [], []]);
    expect(results.map(([f]) => [f.pre?.text, f.post?.text])).toEqual([
      [SAMPLE, v1],
      [v1, v2],
      [v2, v3],
    ]);
    // Patch 3 alone does not apply to the tree: it needs patch 2's line.
    const [alone] = await buildImages(patches[2], treeSource(dir));
    expect(alone.errors.map((e) => e.hunk)).toEqual([1]);
    expect(readFileSync(path.join(dir, 'mm/sample.c'), 'utf8')).toBe(SAMPLE);
  });

  it('builds a new file (post only) and a deleted file (pre only); a later patch sees both', async () => {
    const created = 'int fresh(void)\n{\n\treturn 0;\n}\n';
    const dir = tree({ 'mm/old.c': 'int old(void);\n' });
    const source = treeSource(dir);
    const patch = patchFrom(gitDiff(null, created, 'mm/new.c') + gitDiff('int old(void);\n', null, 'mm/old.c'));
    const [added, deleted] = await buildImages(patch, source);
    expect(added).toMatchObject({ path: 'mm/new.c', oldPath: null, errors: [] });
    expect(added.pre).toBeUndefined();
    expect(added.post?.text).toBe(created);
    expect(added.post?.changedLines).toEqual([1, 2, 3, 4]);
    expect(deleted).toMatchObject({ path: 'mm/old.c', oldPath: 'mm/old.c', errors: [] });
    expect(deleted.post).toBeUndefined();
    expect(deleted.pre?.text).toBe('int old(void);\n');
    expect(deleted.pre?.changedLines).toEqual([1]);

    const next = patchFrom(
      gitDiff(created, created.replace('return 0', 'return 1'), 'mm/new.c') + gitDiff('int old(void);\n', 'int old(int);\n', 'mm/old.c'),
    );
    const [modified, gone] = await buildImages(next, source);
    expect(modified.errors).toEqual([]);
    expect(modified.post?.text).toBe(created.replace('return 0', 'return 1'));
    expect(gone.errors.map((e) => e.message)).toEqual(['mm/old.c was deleted by an earlier patch of the series']);
  });

  it('reports a missing pre-image file, and skips binary files', async () => {
    const dir = tree({});
    const patch = patchFrom(PATCH);
    patch.files.push({ oldPath: 'mm/blob.bin', newPath: 'mm/blob.bin', hunks: [], binary: true, inputLine: 99 });
    const files = await buildImages(patch, treeSource(dir));
    expect(files).toHaveLength(1);
    expect(files[0].errors).toEqual([
      { input: 'test.patch', line: 1, file: 'mm/sample.c', message: `mm/sample.c does not exist in the tree ${dir}` },
    ]);
  });

  it('keeps CRLF line ends and a missing final newline', async () => {
    const crlf = 'int a;\r\nint b;\r\nint c;';
    const dir = tree({ 'mm/crlf.c': crlf });
    const patch = patchFrom(gitDiff('int a;\nint b;\nint c;', 'int a;\nint bb;\nint c;', 'mm/crlf.c'));
    const [file] = await buildImages(patch, treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.post?.text).toBe('int a;\r\nint bb;\r\nint c;');
  });

  it('never writes to the tree (mtimes and contents unchanged)', async () => {
    const dir = tree({ 'mm/sample.c': SAMPLE, 'mm/old.c': 'int old(void);\n' });
    const snapshot = (): Record<string, [number, string]> => {
      const out: Record<string, [number, string]> = {};
      for (const name of readdirSync(path.join(dir, 'mm'))) {
        const p = path.join(dir, 'mm', name);
        out[name] = [statSync(p).mtimeMs, readFileSync(p, 'utf8')];
      }
      return out;
    };
    const dirMtime = statSync(path.join(dir, 'mm')).mtimeMs;
    const before = snapshot();
    const source = treeSource(dir);
    await buildImages(patchFrom(PATCH + gitDiff('int old(void);\n', null, 'mm/old.c') + gitDiff(null, 'int n;\n', 'mm/new.c')), source);
    await buildImages(patchFrom(gitDiff(FIXED, SAMPLE, 'mm/sample.c')), source);
    expect(snapshot()).toEqual(before);
    expect(statSync(path.join(dir, 'mm')).mtimeMs).toBe(dirMtime);
  });

  it('is deterministic', async () => {
    const dir = tree({ 'mm/sample.c': SAMPLE });
    const run = async () => {
      const files = await buildImages(patchFrom(PATCH), treeSource(dir));
      return JSON.stringify(files.map((f) => ({ ...f, pre: f.pre?.text, post: f.post?.text, changed: f.post?.changedLines })));
    };
    expect(await run()).toBe(await run());
  });
});
