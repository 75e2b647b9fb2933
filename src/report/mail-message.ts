// Mail framing for `--format mail`: the headers of a reply (threaded on the patch's Message-ID,
// addressed to its author and recipients), RFC 2047 encoding of a non-ASCII subject, folding of
// long header lines, and an mboxrd file when there are several replies. Pure text in, text out:
// no Date or Message-ID of our own (the sending agent adds them), so the same input gives the
// same bytes.

import type { MailHeaders } from '../patch-types.js';

export interface ReplyTo {
  /** The subject the reply answers (without `Re:`). */
  subject: string;
  /** The original mail's headers, when the patch came as a mail. */
  mail?: MailHeaders;
}

/** The header block of a reply (without the blank line that ends it). */
export function replyHeaders(to: ReplyTo): string[] {
  const headers: Array<[string, string]> = [['Subject', encodeWords(`Re: ${to.subject}`)]];
  const mail = to.mail;
  if (mail?.messageId) {
    headers.push(['In-Reply-To', mail.messageId]);
    // RFC 5322 section 3.6.4: the parent's References (or, without them, its In-Reply-To) then its id.
    headers.push(['References', [mail.references, mail.messageId].filter(Boolean).join(' ')]);
  }
  // Reply to all, as the kernel lists expect: the author, and everyone the patch went to.
  if (mail?.from) headers.push(['To', mail.from]);
  const cc = [mail?.to, mail?.cc].filter((v): v is string => !!v).join(', ');
  if (cc) headers.push(['Cc', cc]);
  headers.push(['MIME-Version', '1.0'], ['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', '8bit']);
  return headers.map(([name, value]) => fold(`${name}: ${value}`));
}

/** An mboxrd file of several messages: `From ` separator lines, `>From ` quoting of the bodies. */
export function mboxrd(messages: string[]): string {
  return messages
    .map((m) => `From ptelint Thu Jan  1 00:00:00 1970\n${m.replace(/^(>*From )/gm, '>$1').replace(/\n*$/, '\n')}`)
    .join('\n');
}

/** A header value as RFC 2047 `=?UTF-8?B?...?=` words when it is not plain ASCII. */
export function encodeWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  // Each encoded word at most 75 characters (RFC 2047 section 2): 12 of framing, 60 of base64 = 45 bytes,
  // never splitting a character.
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

/** A header line folded at spaces to at most 78 characters where it can be (RFC 5322 section 2.2.3). */
export function fold(line: string): string {
  if (line.length <= 78) return line;
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > 78) {
      out.push(current);
      current = ` ${word}`;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  out.push(current);
  return out.join('\n');
}
