// Inputs that must not hurt: huge mails, binary files, unreadable paths, garbage. Never a throw.

import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PATCH_INPUT_BYTES, readPatchFile, readPatchText } from '../../src/input/patch/index.js';
import { DEMO_DIFF, demoMail, onlyFiles, shape } from './helpers.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-patch-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('size', () => {
  it('a 50 MB mail (one patch, then 50 MB of quoted prose) parses and returns', async () => {
    const prose = '> The quick review goes on and on about page tables, write bits and locks.\n';
    const head = demoMail();
    const text = head + prose.repeat(Math.ceil((50_000_000 - head.length) / prose.length));
    expect(text.length).toBeGreaterThanOrEqual(50_000_000);
    expect(text.length).toBeLessThanOrEqual(MAX_PATCH_INPUT_BYTES);
    const result = await readPatchText('big.mbox', text);
    expect(result.errors).toEqual([]);
    expect(result.patches).toHaveLength(1);
    expect(result.patches[0].files[0].hunks[0].lines).toHaveLength(13);
  });

  it('refuses more than 50 MiB, naming the input, without reading a file that large', async () => {
    const file = path.join(root, 'huge.mbox');
    writeFileSync(file, '');
    truncateSync(file, MAX_PATCH_INPUT_BYTES + 1); // sparse: costs no disk
    expect(await readPatchFile(file)).toEqual({ patches: [], errors: [{ input: file, message: `${file} is 50.0 MiB (${MAX_PATCH_INPUT_BYTES + 1} bytes), larger than 50 MiB` }] });
  });
});

describe('unusable inputs are errors naming the input', () => {
  it('binary (NUL-containing) file', async () => {
    const file = path.join(root, 'image.patch');
    writeFileSync(file, Buffer.concat([Buffer.from(DEMO_DIFF.join('\n')), Buffer.from([0, 1, 2, 0xff])]));
    expect(await readPatchFile(file)).toEqual({
      patches: [],
      errors: [{ input: file, message: `${file} is binary (contains a NUL byte)` }],
    });
    expect((await readPatchText('t', 'diff\0')).errors[0].message).toBe('t is binary (contains a NUL byte)');
  });

  it('missing file and directory', async () => {
    const missing = path.join(root, 'nope.patch');
    expect(await readPatchFile(missing)).toEqual({
      patches: [],
      errors: [{ input: missing, message: `cannot read ${missing}: no such file or directory` }],
    });
    const dir = path.join(root, 'dir.patch');
    mkdirSync(dir);
    expect(await readPatchFile(dir)).toEqual({ patches: [], errors: [{ input: dir, message: `cannot read ${dir}: is a directory` }] });
  });

  it('a readable file gives what readPatchText gives', async () => {
    const file = path.join(root, '0001-demo.patch');
    writeFileSync(file, demoMail());
    const fromFile = await readPatchFile(file);
    expect(fromFile).toEqual(await readPatchText(file, demoMail()));
    expect(shape(onlyFiles(fromFile))).toEqual(shape(onlyFiles(await readPatchText('x', DEMO_DIFF.join('\n')))));
  });
});

describe('never throws, always the same output', () => {
  // A small deterministic PRNG, so that a failure can be replayed.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const pieces = [
    'diff --git a/mm/x.c b/mm/x.c', 'diff --git ', '--- a/mm/x.c', '+++ b/mm/x.c', '--- /dev/null', '+++ /dev/null',
    '@@ -1,3 +1,4 @@', '@@ -0,0 +1 @@', '@@ -999999999,999999999 +1 @@', '@@ -1', ' context', '-removed', '+added',
    '', '>', '> ', '>> ', '> > ', '\\ No newline at end of file', 'From 1 Mon Sep 17 00:00:00 2001', 'From: x',
    'Subject: [PATCH 0/2] x', 'Subject: =?UTF-8?B?invalid?=', 'Content-Type: multipart/mixed; boundary=b', '--b', '--b--',
    'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', '=3D=', 'QUJD',
    'rename from x', 'rename to', 'new file mode 100644', 'deleted file mode 100644', 'Binary files a and b differ',
    'GIT binary patch', 'commit 1111111111111111111111111111111111111111', 'Author: x', '\r', 'é\u2028',
  ];

  it('on random mixtures of diff, mail and MIME syntax', async () => {
    const next = rng(42);
    for (let n = 0; n < 300; n++) {
      const lines: string[] = [];
      const count = Math.floor(next() * 60);
      for (let k = 0; k < count; k++) {
        let line = pieces[Math.floor(next() * pieces.length)];
        if (next() < 0.3) line = '>'.repeat(Math.floor(next() * 3)) + (next() < 0.5 ? ' ' : '') + line;
        lines.push(line);
      }
      const text = lines.join(next() < 0.5 ? '\n' : '\r\n');
      const a = await readPatchText(`fuzz-${n}`, text);
      const b = await readPatchText(`fuzz-${n}`, text);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(Array.isArray(a.patches) && Array.isArray(a.errors)).toBe(true);
    }
  });

  it('on pathological lines', async () => {
    const cases = [
      '>'.repeat(1_000_000),
      '> '.repeat(500_000) + 'diff --git a/x b/x',
      'diff --git ' + 'a/x '.repeat(100_000),
      'Binary files ' + 'x and '.repeat(100_000) + 'differ',
      '@@ -1,1 +1,1 @@' + ' '.repeat(1_000_000),
      'Subject: ' + 'Re: '.repeat(100_000),
      'Content-Type: multipart/mixed; boundary="' + 'x'.repeat(100_000) + '"\n\n--' + 'x'.repeat(100_000),
      '',
      '\n\n\n',
      '\uFEFFdiff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1 +1 @@\n-a\n+b\n',
    ];
    for (const text of cases) {
      const result = await readPatchText('p', text);
      expect(Array.isArray(result.patches)).toBe(true);
    }
  });
});
