// Mail framing of `--format mail`: mboxrd quoting, RFC 2047 words, header folding, reply headers.

import { describe, expect, it } from 'vitest';
import { encodeWords, fold, mboxrd, replyHeaders } from '../../src/report/mail-message.js';

describe('mboxrd', () => {
  it('separates messages with From lines and quotes body lines that start with >*From', () => {
    const out = mboxrd(['Subject: a\n\nFrom here\n>From there\n> From quoted\n', 'Subject: b\n\nok']);
    expect(out).toBe(
      'From ptelint Thu Jan  1 00:00:00 1970\nSubject: a\n\n>From here\n>>From there\n> From quoted\n\n' +
        'From ptelint Thu Jan  1 00:00:00 1970\nSubject: b\n\nok\n',
    );
  });
});

describe('encodeWords', () => {
  it('leaves ASCII alone and encodes the rest in words of at most 75 characters, whole characters each', () => {
    expect(encodeWords('Re: [PATCH] mm: x')).toBe('Re: [PATCH] mm: x');
    const text = 'Jörg '.repeat(30);
    const words = encodeWords(text).split(' ');
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    const decoded = words.map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1], 'base64').toString('utf8')).join('');
    expect(decoded).toBe(text);
  });
});

describe('fold', () => {
  it('folds at spaces to 78 characters, continuation lines starting with a space', () => {
    const line = `References: ${Array.from({ length: 6 }, (_, i) => `<message-${i}@lists.example.org>`).join(' ')}`;
    const folded = fold(line);
    for (const l of folded.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
    expect(folded.split('\n').slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(folded.replace(/\n/g, '')).toBe(line);
  });
});

describe('replyHeaders', () => {
  it('without a Message-ID (a bare diff): the subject and MIME headers, no threading', () => {
    expect(replyHeaders({ subject: 'x.patch' })).toEqual([
      'Subject: Re: x.patch',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
  });
  it('References falls back to the Message-ID alone', () => {
    const h = replyHeaders({ subject: 's', mail: { messageId: '<a@b>', references: '', subject: 's', from: 'A <a@b>', to: '', cc: '' } });
    expect(h.slice(0, 4)).toEqual(['Subject: Re: s', 'In-Reply-To: <a@b>', 'References: <a@b>', 'To: A <a@b>']);
  });
});
