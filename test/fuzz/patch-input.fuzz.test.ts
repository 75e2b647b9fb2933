// Fuzzing the patch reader and the hunk applier: arbitrary bytes and real-shaped diffs with the
// damage mail archives do. Properties: the reader resolves, every error names its input, no error
// is an internal one (a caught exception is still a bug), the same input gives the same result,
// and an undamaged diff read back and applied gives exactly the edited file.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';
import { applyHunks } from '../../src/input/images/apply-hunks.js';
import { joinLines, splitLines } from '../../src/input/images/lines.js';
import { partialImages } from '../../src/input/images/partial.js';
import type { PatchInput } from '../../src/patch-types.js';
import { fuzz } from './harness.js';
import { applyEdits, damaged, damageArb, ownSourceArb, shapedArb, unifiedDiff } from './patch-gen.js';
import { cLinesArb } from './c-source.js';

function checkRead(name: string, read: PatchInput): void {
  const errors = [...read.errors, ...read.patches.flatMap((p) => p.errors)];
  for (const e of errors) {
    expect(e.input).toBe(name);
    expect(e.message).not.toMatch(/internal error/);
  }
  for (const p of read.patches) for (const f of p.files) for (const h of f.hunks) for (const l of h.lines) expect(l.inputLine).toBeGreaterThan(0);
}

/** Reads, then builds partial images (the fragment rebuilder) for every file: nothing may throw. */
async function readAndRebuild(name: string, text: string): Promise<PatchInput> {
  const read = await readPatchText(name, text);
  checkRead(name, read);
  for (const p of read.patches) {
    for (const f of p.files) {
      if (f.binary) continue;
      const images = partialImages(name, f, f.newPath ?? f.oldPath ?? '?', p.files);
      for (const e of images.errors) expect(e.input).toBe(name);
      // A new or deleted file is whole in its diff; any other image is a reconstruction.
      if (f.oldPath !== null && f.newPath !== null) for (const img of [images.pre, images.post]) if (img) expect(img.partial).toBe(true);
    }
  }
  return read;
}

describe('patch reader: arbitrary input', () => {
  it('arbitrary bytes (decoded as a file is)', async () => {
    await fuzz('reader-bytes', fc.uint8Array({ maxLength: 4096 }), 300, async (bytes) => {
      await readAndRebuild('bytes.patch', Buffer.from(bytes).toString('utf8'));
    });
  });

  it('token soup of diff and mail syntax', async () => {
    const token = fc.constantFrom(
      'diff --git a/mm/x.c b/mm/x.c\n', '--- a/mm/x.c\n', '+++ b/mm/x.c\n', '--- /dev/null\n', '+++ /dev/null\n', '@@ -1,3 +1,4 @@ f(void)\n',
      '@@ -0,0 +1 @@\n', '@@ -4294967296,1 +1,99999999999 @@\n', ' ctx\n', '-old\n', '+new\n', '\\ No newline at end of file\n', '> ', '>> ', '\r\n', '\n',
      'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n', 'From: A <a@b>\n', 'Subject: [PATCH 1/2] mm: x\n',
      'Content-Type: multipart/mixed; boundary="b"\n', '--b\n', '--b--\n', 'Content-Transfer-Encoding: base64\n', 'Content-Transfer-Encoding: quoted-printable\n',
      '=3D=\n', 'base-commit: 0123456789abcdef\n', 'Binary files a/x.c and b/x.c differ\n', 'rename from a\n', 'rename to b\n', 'similarity index 90%\n',
      'index 0000000..1234567\n', 'new file mode 100644\n', '---\n', '\t}\n', '{\n', '\u00ff\u{1F600}',
    );
    await fuzz('reader-tokens', fc.array(token, { maxLength: 300 }).map((t) => t.join('')), 300, async (text) => {
      await readAndRebuild('tokens.patch', text);
    });
  });

  it('the same input gives the same result', async () => {
    await fuzz('reader-deterministic', fc.string({ maxLength: 2000 }), 50, async (text) => {
      expect(await readPatchText('d.patch', text)).toEqual(await readPatchText('d.patch', text));
    });
  });
});

describe('patch reader and hunk applier: real-shaped diffs', () => {
  const sources = fc.oneof(ownSourceArb, cLinesArb());

  it('an undamaged diff reads back hunk for hunk and applies to exactly the edited file', async () => {
    await fuzz('apply-exact', shapedArb(sources), 150, async ({ file, pre, edits }) => {
      const diff = unifiedDiff(file, pre, edits).join('\n') + '\n';
      const read = await readPatchText('exact.patch', diff);
      expect(read.errors).toEqual([]);
      expect(read.patches).toHaveLength(1);
      const [fp] = read.patches[0].files;
      expect(fp.newPath).toBe(file);
      expect(read.patches[0].errors).toEqual([]);
      const preText = pre.join('\n') + '\n';
      const applied = applyHunks(splitLines(preText), fp.hunks);
      if (!('applied' in applied)) throw new Error(`hunks ${applied.failed.join(',')} did not apply`);
      expect(joinLines(applied.applied.post)).toBe(applyEdits(pre, edits).join('\n') + '\n');
    });
  });

  it('a damaged diff (lines deleted, duplicated, truncated, recounted, quoted, CRLF, NUL, bad UTF-8, huge lines) never breaks the reader or the applier', async () => {
    const arb = fc.tuple(shapedArb(sources), damageArb);
    await fuzz('reader-damaged', arb, 250, async ([{ file, pre, edits }, damage]) => {
      const text = damaged(unifiedDiff(file, pre, edits), damage, 20_000).toString('utf8');
      const read = await readAndRebuild('damaged.patch', text);
      for (const p of read.patches) for (const f of p.files) applyHunks(splitLines(pre.join('\n') + '\n'), f.hunks);
    });
  });

  it('thousands of hunks', async () => {
    const pre = Array.from({ length: 30_000 }, (_, i) => (i % 10 === 0 ? `\tentry = pte_mkdirty(entry); /* ${i} */` : `\tx${i} = ${i};`));
    const edits = Array.from({ length: 3000 }, (_, i) => ({ at: i * 10 + 5, remove: 1, insert: ['\tentry = pte_mkwrite(entry, vma);'] }));
    const diff = unifiedDiff('mm/big.c', pre, edits).join('\n') + '\n';
    const read = await readAndRebuild('big.patch', diff);
    const [fp] = read.patches[0].files;
    expect(fp.hunks.length).toBe(3000);
    const applied = applyHunks(splitLines(pre.join('\n') + '\n'), fp.hunks);
    if (!('applied' in applied)) throw new Error('did not apply');
    expect(joinLines(applied.applied.post)).toBe(applyEdits(pre, edits).join('\n') + '\n');
  });
});
