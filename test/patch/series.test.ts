// An mbox holding a whole series: cover letter skipped, patches in order, subjects decoded.

import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';

function mail(n: string, subjectLines: string[], body: string[]): string[] {
  return [
    `From 000000000000000000000000000000000000000${n} Mon Sep 17 00:00:00 2001`,
    'From: A Tester <tester@example.org>',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    ...subjectLines,
    `Message-Id: <demo-${n}@example.org>`,
    '',
    ...body,
    '',
  ];
}

const patchBody = (path: string, before: string, after: string) => [
  `Change ${path}.`,
  '',
  'Signed-off-by: A Tester <tester@example.org>',
  '---',
  ` ${path} | 2 +-`,
  ' 1 file changed, 1 insertion(+), 1 deletion(-)',
  '',
  `diff --git a/${path} b/${path}`,
  'index 1111111..2222222 100644',
  `--- a/${path}`,
  `+++ b/${path}`,
  '@@ -1,3 +1,3 @@',
  ' #include <linux/mm.h>',
  `-${before}`,
  `+${after}`,
  ' ',
  '-- ',
  '2.43.0',
];

const series = [
  ...mail('0', ['Subject: [PATCH 0/3] mm/demo: three small steps'], [
    'This series does three things.',
    '',
    'A Tester (3):',
    '  mm/demo: one',
    '',
    ' mm/demo_a.c | 2 +-',
    ' 3 files changed, 3 insertions(+), 3 deletions(-)',
    '',
    '-- ',
    '2.43.0',
  ]),
  ...mail('1', ['Subject: [PATCH 1/3] mm/demo: use long in demo_a'], patchBody('mm/demo_a.c', 'int demo_a;', 'long demo_a;')),
  // RFC 2047 encoded and folded over two lines.
  ...mail('2', ['Subject: =?UTF-8?q?=5BPATCH_2/3=5D_mm/demo=3A_caf=C3=A9_?=', ' =?UTF-8?q?and_demo=5Fb?='], patchBody('mm/demo_b.c', 'int demo_b;', 'long demo_b;')),
  // A reply in the thread, without a diff: not a patch.
  ...mail('9', ['Subject: Re: [PATCH 2/3] mm/demo: café and demo_b'], ['Looks good.', '', 'From the reviewer, with a line starting with From.']),
  ...mail('3', ['Subject: [PATCH 3/3] include/linux: use long in', ' demo_c'], patchBody('include/linux/demo_c.h', 'extern int demo_c;', 'extern long demo_c;')),
].join('\n');

describe('mbox series', () => {
  it('skips the cover letter and the diffless reply, keeps order, indexes and subjects', async () => {
    const result = await readPatchText('series.mbox', series);
    expect(result.errors).toEqual([]);
    expect(result.patches.map((p) => [p.index, p.subject, p.input, p.files.map((f) => f.newPath)])).toEqual([
      [1, '[PATCH 1/3] mm/demo: use long in demo_a', 'series.mbox', ['mm/demo_a.c']],
      [2, '[PATCH 2/3] mm/demo: café and demo_b', 'series.mbox', ['mm/demo_b.c']],
      [3, '[PATCH 3/3] include/linux: use long in demo_c', 'series.mbox', ['include/linux/demo_c.h']],
    ]);
    for (const p of result.patches) {
      expect(p.errors).toEqual([]);
      expect(p.files[0].hunks[0].lines.map((l) => l.kind)).toEqual([' ', '-', '+', ' ']);
    }
    // Input lines count from the start of the mbox, not of each mail.
    const lines = series.split('\n');
    const f = result.patches[2].files[0];
    expect(lines[f.inputLine - 1]).toBe('diff --git a/include/linux/demo_c.h b/include/linux/demo_c.h');
    expect(lines[f.hunks[0].lines[2].inputLine - 1]).toBe('+extern long demo_c;');
  });

  it('reports a numbered patch of the series that carries no diff', async () => {
    const broken = series.replace(/diff --git a\/mm\/demo_b\.c[\s\S]*?2\.43\.0/, 'the diff got lost');
    const result = await readPatchText('broken.mbox', broken);
    expect(result.patches.map((p) => [p.index, p.subject.slice(0, 11)])).toEqual([
      [1, '[PATCH 1/3]'],
      [2, '[PATCH 3/3]'],
    ]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].message).toBe('mail 3 of broken.mbox ("[PATCH 2/3] mm/demo: café and demo_b") has no diff');
  });

  it('a cover letter alone is "no diff"', async () => {
    const cover = series.slice(0, series.indexOf('From 0000000000000000000000000000000000000001'));
    const result = await readPatchText('cover.mbox', cover);
    expect(result.patches).toEqual([]);
    expect(result.errors).toEqual([{ input: 'cover.mbox', message: 'no diff found in cover.mbox' }]);
  });

  it('git log -p output: one patch per commit, with its commit id and first message line', async () => {
    const log = [
      'commit 1111111111111111111111111111111111111111',
      'Author: A Tester <tester@example.org>',
      'Date:   Mon Jan 1 00:00:00 2024 +0000',
      '',
      '    mm/demo: first',
      '',
      'diff --git a/mm/demo.c b/mm/demo.c',
      '--- a/mm/demo.c',
      '+++ b/mm/demo.c',
      '@@ -1 +1 @@',
      '-int a;',
      '+long a;',
      '',
      'commit 2222222222222222222222222222222222222222',
      'Author: A Tester <tester@example.org>',
      'Date:   Mon Jan 1 00:00:00 2024 +0000',
      '',
      '    mm/demo: second',
      '',
      'diff --git a/mm/demo.c b/mm/demo.c',
      '--- a/mm/demo.c',
      '+++ b/mm/demo.c',
      '@@ -2 +2 @@',
      '-int b;',
      '+long b;',
    ].join('\n');
    const result = await readPatchText('log', log);
    expect(result.errors).toEqual([]);
    expect(result.patches.map((p) => [p.index, p.subject, p.commit, p.errors.length])).toEqual([
      [1, 'mm/demo: first', '1111111111111111111111111111111111111111', 0],
      [2, 'mm/demo: second', '2222222222222222222222222222222222222222', 0],
    ]);
  });
});
