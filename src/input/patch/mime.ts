// The MIME structure of a mail, located in the ORIGINAL text: every leaf part with the input
// lines its body occupies. postal-mime (see mime-decode.ts) decodes a part's content, but it
// does not say where a part lies in the mail, and reviewers need hunk lines to point into the
// mail; so the structure walk is ours and the decoding is the library's.

import type { HeaderBlock } from './headers.js';
import { field, parseContentType, parseHeaderBlock } from './headers.js';
import type { TextLines } from './lines.js';

export interface MimeLeaf {
  /** Lower-cased `type/subtype`. */
  type: string;
  charset?: string;
  /** Lower-cased Content-Transfer-Encoding ('' when absent). */
  encoding: string;
  filename?: string;
  /** Body lines [bodyStart, bodyEnd) of the input text. */
  bodyStart: number;
  bodyEnd: number;
}

// Real mails nest two or three levels (mixed > alternative > text); deeper is hostile input.
const MAX_DEPTH = 16;

/** Whether a header block announces a body that needs the MIME walk (vs. raw lines). */
export function needsMime(block: HeaderBlock): boolean {
  const type = parseContentType(field(block, 'content-type')).type;
  const encoding = (field(block, 'content-transfer-encoding') ?? '').toLowerCase();
  return type.startsWith('multipart/') || type === 'message/rfc822' || encoding === 'quoted-printable' || encoding === 'base64';
}

/** Delimiter lines of `boundary` in [from, to): index and whether it closes the multipart. */
function delimiters(lines: TextLines, from: number, to: number, boundary: string): { at: number; close: boolean }[] {
  const open = `--${boundary}`;
  const found: { at: number; close: boolean }[] = [];
  for (let i = from; i < to; i++) {
    if (!lines.startsWith(i, open)) continue;
    // RFC 2046: the delimiter may be followed by `--` (close) and then only whitespace.
    const rest = lines.line(i).slice(open.length);
    const close = rest.startsWith('--');
    if ((close ? rest.slice(2) : rest).trim() !== '') continue;
    found.push({ at: i, close });
    if (close) break;
  }
  return found;
}

/** Appends the leaves of the entity whose headers are `block` and whose body ends at `end`. */
export function collectLeaves(lines: TextLines, block: HeaderBlock, end: number, out: MimeLeaf[], depth = 0): void {
  const ct = parseContentType(field(block, 'content-type'));
  const encoding = (field(block, 'content-transfer-encoding') ?? '').trim().toLowerCase();

  if (ct.type.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = ct.params.get('boundary');
    const marks = boundary ? delimiters(lines, block.bodyStart, end, boundary) : [];
    if (marks.length > 0) {
      for (let k = 0; k < marks.length; k++) {
        if (marks[k].close) break;
        const partStart = marks[k].at + 1;
        // An unclosed multipart (truncated mail) runs to the end of its body.
        const partEnd = k + 1 < marks.length ? marks[k + 1].at : end;
        const part = parseHeaderBlock(lines, partStart, partEnd, false);
        if (part) collectLeaves(lines, part, partEnd, out, depth + 1);
      }
      return;
    }
    // A multipart without its delimiters is broken; its body may still hold a plain diff.
  }

  if (ct.type === 'message/rfc822' && depth < MAX_DEPTH && encoding !== 'base64' && encoding !== 'quoted-printable') {
    // A forwarded mail: its own headers, then its own body (possibly MIME again).
    const inner = parseHeaderBlock(lines, block.bodyStart, end, false);
    if (inner) collectLeaves(lines, inner, end, out, depth + 1);
    return;
  }

  const disposition = parseContentType(field(block, 'content-disposition'), '');
  const filename = disposition.params.get('filename') ?? ct.params.get('name');
  out.push({
    type: ct.type,
    charset: ct.params.get('charset'),
    encoding,
    filename,
    bodyStart: block.bodyStart,
    bodyEnd: end,
  });
}

/**
 * Parts that may hold a diff: text parts (not HTML), and attachments typed or named as patches
 * (`text/x-patch`, `application/x-diff`, `application/octet-stream` named `0001-foo.patch`).
 */
export function mayHoldDiff(leaf: MimeLeaf): boolean {
  if (leaf.type === 'text/html') return false;
  if (leaf.type.startsWith('text/')) return true;
  if (leaf.type.includes('patch') || leaf.type.includes('diff')) return true;
  return leaf.filename !== undefined && /\.(patch|diff|txt)$/i.test(leaf.filename);
}
