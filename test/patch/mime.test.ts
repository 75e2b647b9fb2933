// MIME structures beyond the single-part cases of formats.test.ts, and the quoting primitive.

import { describe, expect, it } from 'vitest';
import { readPatchText } from '../../src/input/patch/index.js';
import { quoteDepth, stripQuote, unquote } from '../../src/input/patch/unquote.js';
import { DEMO_DIFF, DEMO_SUBJECT, mailHeaders, onlyFiles, qpEncode, shape } from './helpers.js';

const bare = DEMO_DIFF.join('\n') + '\n';

describe('MIME structures', () => {
  it('quoted-printable text/plain inside multipart/alternative, next to an HTML rendering', async () => {
    const mail = [
      ...mailHeaders(`=?ISO-8859-1?Q?Re=3A_=5BPATCH=5D_mm/demo=3A_caf=E9?=`, [
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary=outer',
      ]),
      '--outer',
      'Content-Type: multipart/alternative;',
      '\tboundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset="us-ascii"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qpEncode(bare),
      '--inner',
      'Content-Type: text/html; charset="us-ascii"',
      '',
      '<pre>diff --git a/mm/other.c b/mm/other.c</pre>',
      '--inner--',
      '--outer',
      'Content-Type: image/png; name="demo.patch.png"',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--outer--',
    ].join('\n');
    const result = await readPatchText('alt.eml', mail);
    expect(result.patches[0].subject).toBe('[PATCH] mm/demo: café');
    expect(shape(onlyFiles(result))).toEqual(shape(onlyFiles(await readPatchText('ref', bare))));
    const raw = mail.split('\n');
    expect(raw[result.patches[0].files[0].inputLine - 1]).toBe('diff --git a/mm/demo.c b/mm/demo.c');
  });

  it('a forwarded mail (message/rfc822) holding the patch', async () => {
    const mail = [
      ...mailHeaders('Fwd: demo', ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=fw']),
      '--fw',
      'Content-Type: text/plain',
      '',
      'See the forwarded patch.',
      '--fw',
      'Content-Type: message/rfc822',
      '',
      'From: A Tester <tester@example.org>',
      `Subject: ${DEMO_SUBJECT}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(bare).toString('base64'),
      '--fw--',
    ].join('\n');
    const result = await readPatchText('fwd.eml', mail);
    expect(shape(onlyFiles(result))).toEqual(shape(onlyFiles(await readPatchText('ref', bare))));
  });

  it('a binary attachment named like a patch is skipped, not parsed', async () => {
    const mail = [
      ...mailHeaders(DEMO_SUBJECT, ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b']),
      '--b',
      'Content-Type: application/octet-stream; name="0001-demo.patch"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.concat([Buffer.from(bare), Buffer.from([0, 0, 0])]).toString('base64'),
      '--b--',
    ].join('\n');
    const result = await readPatchText('bin.eml', mail);
    expect(result.patches).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual(['no diff found in bin.eml']);
  });

  it('a byte-order mark before a bare diff', async () => {
    expect(shape(onlyFiles(await readPatchText('bom', '\uFEFF' + bare)))).toEqual(shape(onlyFiles(await readPatchText('ref', bare))));
  });
});

describe('quote prefixes', () => {
  it.each([
    ['plain', 0, 'plain'],
    ['> +foo', 1, '+foo'],
    ['>+foo', 1, '+foo'],
    ['>  \tfoo', 1, ' \tfoo'],
    ['>> -x', 2, '-x'],
    ['> > -x', 2, '-x'],
    ['> >-x', 2, '-x'],
    ['>>', 2, ''],
    ['>>> ', 3, ''],
    [' > not quoted', 0, ' > not quoted'],
  ])('%j is depth %i, content %j', (line, depth, content) => {
    expect(unquote(line)).toEqual({ depth, content });
    expect(quoteDepth(line)).toBe(depth);
  });

  it('stripping fewer markers keeps the deeper ones', () => {
    expect(stripQuote('>> foo', 1)).toBe('> foo');
    expect(stripQuote('> > foo', 1)).toBe('> foo');
    expect(stripQuote('> foo', 2)).toBe('foo');
    expect(stripQuote('foo', 2)).toBe('foo');
  });
});
