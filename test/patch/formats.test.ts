// The same patch wrapped every way the lists deliver it must read back as the same content.

import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';
import type { FilePatch } from '../../src/patch-types.js';
import {
  DEMO_DIFF,
  DEMO_MESSAGE,
  DEMO_SUBJECT,
  base64Lines,
  collapseWhitespace,
  demoMail,
  dropContextSpace,
  mailHeaders,
  onlyFiles,
  qpEncode,
  quote,
  shape,
} from './helpers.js';

const bare = DEMO_DIFF.join('\n') + '\n';

async function reference(): Promise<FilePatch[]> {
  return onlyFiles(await readPatchText('demo.diff', bare));
}

function reply(quoted: string[]): string {
  return [
    ...mailHeaders(`Re: ${DEMO_SUBJECT}`, ['In-Reply-To: <demo@example.org>']),
    'On Mon, Jan 01, 2024 at 00:00:00AM +0000, A Tester wrote:',
    ...quoted,
    '',
    'Looks right to me: the write bit comes from the entry now.',
    '',
    'Reviewed-by: A Reviewer <reviewer@example.org>',
    '',
  ].join('\n');
}

describe('the reference: a bare git diff', () => {
  it('reads as one file with one hunk whose lines match the header counts', async () => {
    const files = await reference();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ oldPath: 'mm/demo.c', newPath: 'mm/demo.c', binary: false, inputLine: 1 });
    const [hunk] = files[0].hunks;
    expect(hunk).toMatchObject({ oldStart: 10, oldLines: 9, newStart: 10, newLines: 11, inputLine: 5 });
    expect(hunk.section).toBe('static pte_t demo_restore(pte_t old, struct vm_area_struct *vma)');
    expect(hunk.lines.map((l) => l.kind).join('')).toBe('   --++++    ');
    expect(hunk.lines[1]).toEqual({ kind: ' ', text: '\tpte_t pte = demo_mk_pte(vma->vm_page_prot);', inputLine: 7 });
    expect(hunk.lines[2]).toEqual({ kind: ' ', text: '', inputLine: 8 });
    const lines = bare.split('\n');
    for (const l of hunk.lines) expect(lines[l.inputLine - 1]).toBe(l.kind + l.text);
  });

  it('is the same without the git header (plain ---/+++)', async () => {
    const plain = DEMO_DIFF.slice(2).join('\n');
    expect(shape(onlyFiles(await readPatchText('p', plain)))).toEqual(shape(await reference()));
  });
});

describe('every wrapping gives the same FilePatch/Hunk content', () => {
  it('git format-patch mail', async () => {
    const result = await readPatchText('0001-demo.patch', demoMail());
    expect(result.patches[0].subject).toBe(DEMO_SUBJECT);
    expect(shape(onlyFiles(result))).toEqual(shape(await reference()));
    // Input lines point into the mail: the diff starts after 6 header and 7 message lines.
    const mail = demoMail().split('\n');
    const [hunk] = result.patches[0].files[0].hunks;
    for (const l of hunk.lines) expect(mail[l.inputLine - 1]).toBe(l.kind + l.text);
  });

  it('quoted-printable MIME body (=3D, soft line breaks, encoded trailing blanks)', async () => {
    const body = qpEncode([...DEMO_MESSAGE, ...DEMO_DIFF, '-- ', '2.43.0', ''].join('\n'));
    expect(body).toContain('=3D');
    expect(body).toMatch(/=\n/); // a soft line break
    expect(body).toContain('=20\n'); // the blank context line's prefix space
    const headers = mailHeaders(DEMO_SUBJECT, [
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: quoted-printable',
    ]);
    const mail = [...headers, body].join('\n');
    const result = await readPatchText('qp.eml', mail);
    expect(shape(onlyFiles(result))).toEqual(shape(await reference()));

    // Input lines are exact for quoted-printable: each decoded line maps to the encoded line it
    // starts on, soft breaks included.
    const raw = mail.split('\n');
    const [hunk] = result.patches[0].files[0].hunks;
    const mkwrite = hunk.lines.find((l) => l.text === '\t\tpte = demo_mkwrite(pte);')!;
    expect(raw[mkwrite.inputLine - 1]).toBe('+\t\tpte =3D demo_mkwrite(pte);');
    const long = hunk.lines.find((l) => l.text.startsWith('\t/* Soft-dirty'))!;
    expect(raw[long.inputLine - 1]).toMatch(/^\+\t\/\* Soft-dirty .*=$/);
    const after = hunk.lines[hunk.lines.indexOf(long) + 1];
    expect(raw[after.inputLine - 1]).toBe('+\tpte =3D demo_keep_bits(pte, old, DEMO_SOFT_DIRTY | DEMO_EXCLUSIVE);');
    expect(raw[hunk.inputLine - 1]).toMatch(/^@@ -10,9 \+10,11 @@/);
  });

  it('base64 text/x-patch attachment of a multipart mail', async () => {
    const headers = mailHeaders(DEMO_SUBJECT, [
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="------------demo0123"',
    ]);
    const attachment = base64Lines(bare);
    const mail = [
      ...headers,
      'This is a multi-part message in MIME format.',
      '--------------demo0123',
      'Content-Type: text/plain; charset=UTF-8; format=flowed',
      'Content-Transfer-Encoding: 7bit',
      '',
      'Please find the fix attached.',
      '',
      '--------------demo0123',
      'Content-Type: text/x-patch; charset=UTF-8; name="0001-demo.patch"',
      'Content-Disposition: attachment; filename="0001-demo.patch"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '',
      '--------------demo0123--',
      '',
    ].join('\n');
    const result = await readPatchText('b64.eml', mail);
    expect(shape(onlyFiles(result))).toEqual(shape(await reference()));
    // base64 input lines are approximate, but inside the attachment's body.
    const raw = mail.split('\n');
    const first = raw.indexOf(attachment.split('\n')[0]) + 1;
    const last = first + attachment.split('\n').length - 1;
    const f = result.patches[0].files[0];
    for (const line of [f.inputLine, ...f.hunks[0].lines.map((l) => l.inputLine)]) {
      expect(line).toBeGreaterThanOrEqual(first);
      expect(line).toBeLessThanOrEqual(last);
    }
    expect(f.inputLine).toBe(first);
  });

  it('7bit application/octet-stream attachment named .patch (exact input lines)', async () => {
    const mail = [
      ...mailHeaders(DEMO_SUBJECT, ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=XyZ']),
      '--XyZ',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>diff --git a/not/this b/not/this</p>',
      '--XyZ',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment;',
      ' filename="0001-demo.patch"',
      '',
      ...DEMO_DIFF,
      '--XyZ--',
    ].join('\n');
    const result = await readPatchText('att.eml', mail);
    expect(shape(onlyFiles(result))).toEqual(shape(await reference()));
    const raw = mail.split('\n');
    for (const l of result.patches[0].files[0].hunks[0].lines) expect(raw[l.inputLine - 1]).toBe(l.kind + l.text);
  });

  it('CRLF line ends, everywhere or on some lines only', async () => {
    const all = demoMail().replace(/\n/g, '\r\n');
    expect(shape(onlyFiles(await readPatchText('crlf', all)))).toEqual(shape(await reference()));
    const some = demoMail()
      .split('\n')
      .map((l, i) => (i % 3 === 0 ? l + '\r' : l))
      .join('\n');
    expect(shape(onlyFiles(await readPatchText('mixed', some)))).toEqual(shape(await reference()));
  });

  it('quoted with `> ` in a review reply', async () => {
    const mail = reply(quote([...DEMO_MESSAGE, ...DEMO_DIFF], 1));
    const result = await readPatchText('reply', mail);
    expect(result.patches[0].subject).toBe(DEMO_SUBJECT);
    expect(shape(onlyFiles(result))).toEqual(shape(await reference()));
    const raw = mail.split('\n');
    const [hunk] = result.patches[0].files[0].hunks;
    expect(raw[hunk.inputLine - 1]).toMatch(/^> @@ /);
    for (const l of hunk.lines) expect(raw[l.inputLine - 1]).toBe(('> ' + l.kind + l.text).replace(/^> $/, '> '));
  });

  it('quoted with `>> ` (a reply to a reply)', async () => {
    const mail = reply(quote([...DEMO_MESSAGE, ...DEMO_DIFF], 2));
    expect(shape(onlyFiles(await readPatchText('reply2', mail)))).toEqual(shape(await reference()));
  });

  it('quoted unevenly: `>` with and without a space, `>>` and `> >` mixed line by line', async () => {
    for (const depth of [1, 2, 3]) {
      for (const step of [1, 3, 7]) {
        const mail = reply(quote([...DEMO_MESSAGE, ...DEMO_DIFF], depth, (i) => i * step + (i >> 1)));
        expect(shape(onlyFiles(await readPatchText(`uneven-${depth}-${step}`, mail)))).toEqual(shape(await reference()));
      }
    }
  });

  it('context lines without their prefix space, blank context lines empty (seed 003 archive)', async () => {
    const mangled = dropContextSpace(DEMO_DIFF);
    expect(mangled).toContain('\tpte_t pte = demo_mk_pte(vma->vm_page_prot);');
    expect(mangled).toContain('');
    expect(shape(onlyFiles(await readPatchText('stripped', mangled.join('\n'))))).toEqual(shape(await reference()));
    // The same, quoted, with CRLF line ends.
    const quoted = reply(quote(mangled, 2, (i) => i)).replace(/\n/g, '\r\n');
    expect(shape(onlyFiles(await readPatchText('stripped-quoted', quoted)))).toEqual(shape(await reference()));
  });

  it('all leading whitespace collapsed (seed 000 archive): same content up to whitespace', async () => {
    const mangled = collapseWhitespace(DEMO_DIFF);
    expect(mangled).toContain('pte_t pte = demo_mk_pte(vma->vm_page_prot);');
    for (const text of [mangled.join('\n'), reply(quote(mangled, 2))]) {
      const files = onlyFiles(await readPatchText('collapsed', text));
      expect(shape(files, true)).toEqual(shape(await reference(), true));
    }
  });
});

describe('quoted diffs at the hunk boundary', () => {
  it('a blank line quoted less deeply inside the hunk is a blank context line', async () => {
    const quoted = quote(DEMO_DIFF, 2);
    const blank = quoted.indexOf('>>  ');
    expect(blank).toBeGreaterThan(0);
    quoted[blank] = '>';
    expect(shape(onlyFiles(await readPatchText('q', reply(quoted))))).toEqual(shape(await reference()));
  });

  it('reviewer text cutting a quoted hunk ends it as truncated; the next quoted hunk of the file is still read', async () => {
    const quoted = quote(DEMO_DIFF, 1);
    const cut = quoted.findIndex((l) => l.startsWith('> +\t\tpte = demo_mkwrite'));
    const second = quote(['@@ -40,3 +42,3 @@ static void demo_other(void)', ' {', '-\tdemo_old();', '+\tdemo_new();', ' }'], 1);
    const mail = reply([...quoted.slice(0, cut), '', 'Why not pte_mkwrite() here?', '', ...second]);
    const result = await readPatchText('cut', mail);
    expect(result.patches).toHaveLength(1);
    const [patch] = result.patches;
    expect(patch.files).toHaveLength(1);
    expect(patch.files[0].hunks.map((h) => h.lines.length)).toEqual([6, 4]);
    expect(patch.errors).toHaveLength(1);
    expect(patch.errors[0]).toMatchObject({ input: 'cut', file: 'mm/demo.c', hunk: 1 });
    expect(patch.errors[0].message).toMatch(
      /^hunk 1 of mm\/demo\.c truncated: expected 9 old lines, found 5; expected 11 new lines, found 4 \(the quoted diff is cut by unquoted text at input line \d+\)$/,
    );
  });
});
