// Turns one MIME leaf into lines for the diff parser, and says which input line each one came from.
//
// Unencoded parts (7bit, 8bit, binary) are read straight from the input: exact input lines.
// Quoted-printable and base64 parts are decoded by postal-mime (QP soft line breaks, `=3D`,
// malformed escapes, base64 with stray characters, charsets); the decoded lines are mapped back:
//  - quoted-printable: exact for each line's start. A decoded line begins at the encoded line
//    that follows a line not ending in a soft break `=`, so counting soft breaks gives the
//    encoded line of every decoded line (a literal `=0A` in the data would shift the rest; the
//    map then continues one-to-one from the last known line).
//  - base64: approximate. Encoded lines all carry the same number of bytes (57 for git's
//    76-column lines), so the decoded line starting at character offset c lies on encoded line
//    c / bytesPerLine of the body (characters are taken for bytes: off by the multi-byte
//    characters before it, which diffs of kernel code hardly have).

import PostalMime from 'postal-mime';
import type { LineSource } from './lines.js';
import { LineRange, MappedLines, TextLines } from './lines.js';
import type { MimeLeaf } from './mime.js';

/** A charset label as it may appear in a header we write ourselves (no quotes, no CR/LF). */
function safeCharset(charset: string | undefined): string {
  return charset && /^[A-Za-z0-9._:+-]{1,40}$/.test(charset) ? charset : 'utf-8';
}

function qpMap(lines: TextLines, leaf: MimeLeaf): (k: number) => number {
  const starts: number[] = [leaf.bodyStart];
  for (let j = leaf.bodyStart; j + 1 < leaf.bodyEnd; j++) {
    if (!lines.line(j).trimEnd().endsWith('=')) starts.push(j + 1);
  }
  return (k) => {
    if (k < starts.length) return starts[k] + 1;
    return starts[starts.length - 1] + 1 + (k - (starts.length - 1));
  };
}

function base64Map(lines: TextLines, leaf: MimeLeaf, decoded: TextLines): (k: number) => number {
  let width = 76;
  for (let j = leaf.bodyStart; j < leaf.bodyEnd; j++) {
    const len = lines.line(j).trim().length;
    if (len > 0) {
      width = len;
      break;
    }
  }
  const bytesPerLine = Math.max(1, Math.floor((width * 3) / 4));
  const last = Math.max(leaf.bodyStart, leaf.bodyEnd - 1);
  return (k) => Math.min(last, leaf.bodyStart + Math.floor(decoded.start(k) / bytesPerLine)) + 1;
}

/**
 * The lines of a leaf's body, or undefined when its content is not text (a NUL after decoding:
 * an image or archive that merely carries a patch-like name).
 */
export async function leafLines(lines: TextLines, leaf: MimeLeaf): Promise<LineSource | undefined> {
  if (leaf.encoding !== 'quoted-printable' && leaf.encoding !== 'base64') {
    return new LineRange(lines, leaf.bodyStart, leaf.bodyEnd);
  }
  // postal-mime decodes whole messages: hand it this part alone, as a one-part text message
  // with the part's encoding and charset, so that it applies its decoders and nothing else
  // (no format=flowed reflow, which would change line numbers; kernel patches are never flowed).
  const message =
    `Content-Type: text/plain; charset=${safeCharset(leaf.charset)}\r\n` +
    `Content-Transfer-Encoding: ${leaf.encoding}\r\n\r\n` +
    lines.raw(leaf.bodyStart, leaf.bodyEnd);
  const email = await PostalMime.parse(message);
  const text = email.text ?? '';
  if (text.includes('\0')) return undefined;
  const decoded = new TextLines(text);
  const map = leaf.encoding === 'quoted-printable' ? qpMap(lines, leaf) : base64Map(lines, leaf, decoded);
  return new MappedLines(decoded, map);
}
