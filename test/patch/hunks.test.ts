// Hunk delimiting by the header counts, and the file-level cases of unified diffs.

import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';
import { countLines, onlyFiles } from './helpers.js';

const text = (...lines: string[]) => lines.join('\n') + '\n';

describe('hunk counts delimit hunks', () => {
  const rmapHead = ['diff --git a/mm/rmap.c b/mm/rmap.c', '--- a/mm/rmap.c', '+++ b/mm/rmap.c'];
  const firstHunk = ['@@ -100,3 +100,3 @@ static void demo_one(void)', ' {', '-\tdemo_a();', '+\tdemo_b();', ' }'];

  it('a truncated mail: the hunk is kept as far as read, and the error names file and hunk', async () => {
    const second = [
      '@@ -200,12 +200,12 @@ static void demo_two(void)',
      ' {',
      '\tint i;', // context whose prefix space the archive dropped
      '',
      '-\tfor (i = 0; i < DEMO_N; i++)',
      '+\tfor (i = 0; i < DEMO_N; i += 2)',
      ' \t\tdemo_step(i);',
      ' \tdemo_done();',
      ' \treturn;',
    ];
    const result = await readPatchText('cut.mbox', text(...rmapHead, ...firstHunk, ...second));
    expect(result.patches).toHaveLength(1);
    const [patch] = result.patches;
    expect(patch.files[0].hunks.map((h) => h.lines.length)).toEqual([4, 8]);
    expect(patch.errors).toEqual([
      {
        input: 'cut.mbox',
        line: 9,
        file: 'mm/rmap.c',
        hunk: 2,
        message: 'hunk 2 of mm/rmap.c truncated: expected 12 old lines, found 7; expected 12 new lines, found 7',
      },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('counts that are too large: the next @@ ends the hunk, with an error; the next hunk is read', async () => {
    const wrong = ['@@ -100,8 +100,8 @@ static void demo_one(void)', ' {', '-\tdemo_a();', '+\tdemo_b();', ' }'];
    const next = ['@@ -300,2 +300,2 @@', '-\tdemo_c();', '+\tdemo_d();', ' }'];
    const result = await readPatchText('w', text(...rmapHead, ...wrong, ...next));
    const [patch] = result.patches;
    expect(patch.files[0].hunks.map((h) => [h.oldStart, h.lines.length])).toEqual([
      [100, 4],
      [300, 3],
    ]);
    expect(patch.errors).toHaveLength(1);
    expect(patch.errors[0]).toMatchObject({ file: 'mm/rmap.c', hunk: 1, line: 4 });
    expect(patch.errors[0].message).toBe(
      'hunk 1 of mm/rmap.c has wrong hunk counts: header @@ -100,8 +100,8 @@ but the next header (input line 9) came after 3 old and 3 new lines',
    );
  });

  it('counts that are too large: a following `diff --git` ends the hunk too', async () => {
    const wrong = ['@@ -100,8 +100,8 @@', ' {', '-\tdemo_a();', '+\tdemo_b();', ' }'];
    const other = ['diff --git a/mm/memory.c b/mm/memory.c', '--- a/mm/memory.c', '+++ b/mm/memory.c', ...firstHunk];
    const [patch] = (await readPatchText('w', text(...rmapHead, ...wrong, ...other))).patches;
    expect(patch.files.map((f) => [f.newPath, f.hunks.length])).toEqual([
      ['mm/rmap.c', 1],
      ['mm/memory.c', 1],
    ]);
    expect(patch.errors.map((e) => [e.file, e.hunk])).toEqual([['mm/rmap.c', 1]]);
  });

  it('counts that are too small: the hunk ends at the counts, and a diff line after it is reported', async () => {
    const small = ['@@ -100,2 +100,1 @@', ' {', '-\tdemo_a();', '+\tdemo_b();', ' }'];
    const [patch] = (await readPatchText('s', text(...rmapHead, ...small))).patches;
    expect(patch.files[0].hunks[0].lines.map((l) => l.kind)).toEqual([' ', '-']);
    expect(patch.errors).toHaveLength(1);
    expect(patch.errors[0].message).toBe(
      'hunk 1 of mm/rmap.c may have wrong hunk counts: header @@ -100,2 +100,1 @@ but a diff line follows the hunk at input line 7',
    );
  });

  it('a line starting with - or + is always a change; the `--` signature after the counts is not', async () => {
    const hunk = ['@@ -1,3 +1,3 @@', '--- not a header', '+++ not a header either', ' x', ' y', '-- ', '2.43.0'];
    const files = onlyFiles(await readPatchText('d', text(...rmapHead, ...hunk)));
    expect(files[0].hunks[0].lines).toEqual([
      { kind: '-', text: '-- not a header', inputLine: 5 },
      { kind: '+', text: '++ not a header either', inputLine: 6 },
      { kind: ' ', text: 'x', inputLine: 7 },
      { kind: ' ', text: 'y', inputLine: 8 },
    ]);
  });

  it('omitted counts default to 1; `\\ No newline at end of file` is not a line', async () => {
    const files = onlyFiles(
      await readPatchText('n', text(...rmapHead, '@@ -5 +5 @@', '-old', '\\ No newline at end of file', '+new', '\\ No newline at end of file', '')),
    );
    const [h] = files[0].hunks;
    expect([h.oldStart, h.oldLines, h.newStart, h.newLines, h.section]).toEqual([5, 1, 5, 1, '']);
    expect(h.lines.map((l) => [l.kind, l.text])).toEqual([
      ['-', 'old'],
      ['+', 'new'],
    ]);
  });

  it('line counts of every hunk match its header', async () => {
    const files = onlyFiles(await readPatchText('c', text(...rmapHead, ...firstHunk)));
    for (const h of files[0].hunks) expect(countLines(h.lines)).toEqual({ old: h.oldLines, new: h.newLines });
  });
});

describe('file headers', () => {
  it('binary diffs: a FilePatch with binary set, no hunks, no error', async () => {
    const input = text(
      'diff --git a/Documentation/mm/demo.png b/Documentation/mm/demo.png',
      'index 0123456..789abcd 100644',
      'Binary files a/Documentation/mm/demo.png and b/Documentation/mm/demo.png differ',
      'diff --git a/tools/testing/demo.bin b/tools/testing/demo.bin',
      'new file mode 100644',
      'index 0000000000000000000000000000000000000000..e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
      'GIT binary patch',
      'literal 12',
      'TcmZQzKn2MdEn;8*Tp$1$',
      '',
      'literal 0',
      'HcmV?d00001',
      '',
      'Binary files /dev/null and b/sound/demo.wav differ',
    );
    const files = onlyFiles(await readPatchText('bin', input));
    expect(files.map((f) => ({ oldPath: f.oldPath, newPath: f.newPath, binary: f.binary, hunks: f.hunks.length }))).toEqual([
      { oldPath: 'Documentation/mm/demo.png', newPath: 'Documentation/mm/demo.png', binary: true, hunks: 0 },
      { oldPath: null, newPath: 'tools/testing/demo.bin', binary: true, hunks: 0 },
      { oldPath: null, newPath: 'sound/demo.wav', binary: true, hunks: 0 },
    ]);
    expect(files.map((f) => f.inputLine)).toEqual([1, 4, 14]);
  });

  it('rename with and without changes', async () => {
    const input = text(
      'diff --git a/mm/demo_old.c b/mm/demo_new.c',
      'similarity index 100%',
      'rename from mm/demo_old.c',
      'rename to mm/demo_new.c',
      'diff --git a/mm/demo_a.c b/mm/demo_b.c',
      'similarity index 88%',
      'rename from mm/demo_a.c',
      'rename to mm/demo_b.c',
      'index 1111111..2222222 100644',
      '--- a/mm/demo_a.c',
      '+++ b/mm/demo_b.c',
      '@@ -1,2 +1,2 @@',
      ' #include <linux/mm.h>',
      '-static int demo;',
      '+static long demo;',
    );
    const files = onlyFiles(await readPatchText('ren', input));
    expect(files.map((f) => [f.oldPath, f.newPath, f.hunks.length, f.inputLine])).toEqual([
      ['mm/demo_old.c', 'mm/demo_new.c', 0, 1],
      ['mm/demo_a.c', 'mm/demo_b.c', 1, 5],
    ]);
  });

  it('deleted file: newPath null', async () => {
    const input = text(
      'diff --git a/mm/demo_gone.c b/mm/demo_gone.c',
      'deleted file mode 100644',
      'index 3333333..0000000',
      '--- a/mm/demo_gone.c',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
      '-#include <linux/mm.h>',
      '-',
      '-int demo_gone;',
    );
    const [f] = onlyFiles(await readPatchText('del', input));
    expect([f.oldPath, f.newPath]).toEqual(['mm/demo_gone.c', null]);
    expect(f.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 3, newStart: 0, newLines: 0 });
    expect(f.hunks[0].lines.map((l) => l.kind + l.text)).toEqual(['-#include <linux/mm.h>', '-', '-int demo_gone;']);
  });

  it('new file: oldPath null (also for an empty new file without ---/+++)', async () => {
    const input = text(
      'diff --git a/mm/demo_new.c b/mm/demo_new.c',
      'new file mode 100644',
      'index 0000000..4444444',
      '--- /dev/null',
      '+++ b/mm/demo_new.c',
      '@@ -0,0 +1,2 @@',
      '+#include <linux/mm.h>',
      '+int demo_new;',
      'diff --git a/mm/demo_empty.c b/mm/demo_empty.c',
      'new file mode 100644',
      'index 0000000..e69de29',
    );
    const files = onlyFiles(await readPatchText('new', input));
    expect(files.map((f) => [f.oldPath, f.newPath, f.hunks.length])).toEqual([
      [null, 'mm/demo_new.c', 1],
      [null, 'mm/demo_empty.c', 0],
    ]);
  });

  it('plain diff headers: a/ b/ stripped, -p1 quilt directories stripped, -p0 kernel paths kept, dates dropped', async () => {
    const hunk = ['@@ -1 +1 @@', '-int demo;', '+long demo;'];
    const cases: [string, string, string | null, string | null][] = [
      ['--- a/mm/demo.c\t2024-01-01 00:00:00.000000000 +0000', '+++ b/mm/demo.c\t2024-01-02 00:00:00.000000000 +0000', 'mm/demo.c', 'mm/demo.c'],
      ['--- linux-6.12.orig/mm/demo.c', '+++ linux-6.12/mm/demo.c', 'mm/demo.c', 'mm/demo.c'],
      ['--- mm/demo.c.orig', '+++ mm/demo.c', 'mm/demo.c.orig', 'mm/demo.c'],
      ['--- /dev/null', '+++ b/include/linux/demo.h', null, 'include/linux/demo.h'],
      // mm-commits (quilt) names the pre-image after the patch: `diff -puN mm/demo.c~name mm/demo.c`.
      ['--- a/mm/demo.c~mm-demo-fix-restore', '+++ a/mm/demo.c', 'mm/demo.c', 'mm/demo.c'],
      ['--- a/mm/demo.c~mm-demo-fix-restore\t2024-01-01 00:00:00.000000000 +0000', '+++ a/mm/demo.c', 'mm/demo.c', 'mm/demo.c'],
    ];
    for (const [minus, plus, oldPath, newPath] of cases) {
      const [f] = onlyFiles(await readPatchText('plain', text('Index: whatever', minus, plus, ...hunk)));
      expect([f.oldPath, f.newPath, f.inputLine]).toEqual([oldPath, newPath, 2]);
    }
  });

  it('git C-quoted paths', async () => {
    const input = text('diff --git "a/mm/demo \\"q\\".c" "b/mm/demo \\"q\\".c"', '--- "a/mm/demo \\"q\\".c"', '+++ "b/mm/demo \\"q\\".c"', '@@ -1 +1 @@', '-a', '+b');
    const [f] = onlyFiles(await readPatchText('q', input));
    expect([f.oldPath, f.newPath]).toEqual(['mm/demo "q".c', 'mm/demo "q".c']);
  });

  it('a hunk without any file header is an input error, not a patch', async () => {
    const result = await readPatchText('orphan', text('Some text', '@@ -1 +1 @@', '-a', '+b'));
    expect(result.patches).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ input: 'orphan', line: 2 });
    expect(result.errors[0].message).toMatch(/no file header/);
  });
});
