// One mail (or one bare diff, or one archived message without headers): its subject and the
// diffs in its body. Three shapes are recognised:
//  - RFC 5322 mail (git format-patch, mbox entries): headers, then a body that is either raw
//    text or MIME (multipart, quoted-printable, base64; see mime.ts);
//  - `commit <sha>` output of git show / git log -p: the subject is the message's first line;
//  - anything else (bare diff, archived web page text): the subject is the first line when it
//    reads like one (`Re: [PATCH] ...`, or a line followed by a blank line and `From:`).

import type { FilePatch, MailHeaders, PatchError } from '../../patch-types.js';
import { parseDiffs } from './diff-parser.js';
import { decodedHeader, field, isHeaderLine, normalizeSubject, parseHeaderBlock } from './headers.js';
import type { HeaderBlock } from './headers.js';
import { LineRange } from './lines.js';
import type { LineSource, TextLines } from './lines.js';
import type { MailRange } from './mbox.js';
import { isCommitSeparator, isMboxSeparator } from './mbox.js';
import { leafLines } from './mime-decode.js';
import type { MimeLeaf } from './mime.js';
import { collectLeaves, mayHoldDiff, needsMime } from './mime.js';

export interface MailRead {
  subject: string;
  /** The subject started with `Re:` (a reply, not a patch of the series). */
  reply: boolean;
  commit?: string;
  /** The `base-commit: <id>` trailer (git format-patch --base, b4), when the mail has one. */
  baseCommit?: string;
  /** The headers of an RFC 5322 mail (absent for bare diffs and `commit <sha>` output). */
  headers?: MailHeaders;
  files: FilePatch[];
  errors: PatchError[];
}

const BASE_COMMIT = /^base-commit: ([0-9a-fA-F]{7,64})\s*$/;

/** The last `base-commit:` trailer of the mail (format-patch puts it after the diff). */
function baseCommitOf(lines: TextLines, start: number, end: number): string | undefined {
  let found: string | undefined;
  for (let i = start; i < end; i++) {
    if (!lines.startsWith(i, 'base-commit: ')) continue;
    const m = BASE_COMMIT.exec(lines.line(i));
    if (m) found = m[1].toLowerCase();
  }
  return found;
}

function mailHeaders(block: HeaderBlock): MailHeaders {
  const get = (name: string) => (field(block, name) ?? '').trim();
  return {
    messageId: get('message-id'),
    references: get('references').replace(/\s+/g, ' '),
    subject: decodedHeader(get('subject')),
    // As written (encoded words kept): a reply copies them into its own headers.
    from: get('from').replace(/\s+/g, ' '),
    to: get('to').replace(/\s+/g, ' '),
    cc: get('cc').replace(/\s+/g, ' '),
  };
}

function headerlessSubject(lines: TextLines, start: number, end: number): { subject: string; reply: boolean } {
  if (start >= end || lines.isBlank(start)) return { subject: '', reply: false };
  const first = lines.line(start).slice(0, 4096);
  const bracketed = /^(?:re(?:\[\d{1,4}\])?\s?:\s*)*\[[^\]]{0,200}\]/i.test(first);
  const archived = start + 2 < end && lines.isBlank(start + 1) && lines.startsWith(start + 2, 'From:');
  return bracketed || archived ? normalizeSubject(first) : { subject: '', reply: false };
}

function commitSubject(lines: TextLines, start: number, end: number): string {
  let i = start + 1;
  while (i < end && isHeaderLine(lines.line(i))) i++;
  while (i < end && lines.isBlank(i)) i++;
  return i < end ? lines.line(i).trim() : '';
}

export async function readMail(lines: TextLines, range: MailRange, input: string): Promise<MailRead> {
  const read = await readMailBody(lines, range, input);
  const baseCommit = baseCommitOf(lines, range.start, range.end);
  return baseCommit === undefined ? read : { ...read, baseCommit };
}

async function readMailBody(lines: TextLines, range: MailRange, input: string): Promise<MailRead> {
  const files: FilePatch[] = [];
  const errors: PatchError[] = [];
  const scan = (src: LineSource | undefined): void => {
    if (!src) return;
    const parsed = parseDiffs(src, input);
    files.push(...parsed.files);
    errors.push(...parsed.errors);
  };

  if (isCommitSeparator(lines, range.start)) {
    const commit = lines.line(range.start).slice(7, 47);
    scan(new LineRange(lines, range.start + 1, range.end));
    return { subject: commitSubject(lines, range.start, range.end), reply: false, commit, files, errors };
  }

  const start = isMboxSeparator(lines, range.start) ? range.start + 1 : range.start;
  const block = parseHeaderBlock(lines, start, range.end, true);
  if (!block) {
    const { subject, reply } = headerlessSubject(lines, start, range.end);
    scan(new LineRange(lines, start, range.end));
    return { subject, reply, files, errors };
  }

  const { subject, reply } = normalizeSubject(field(block, 'subject') ?? '');
  const headers = mailHeaders(block);
  if (!needsMime(block)) {
    scan(new LineRange(lines, block.bodyStart, range.end));
    return { subject, reply, headers, files, errors };
  }
  const leaves: MimeLeaf[] = [];
  collectLeaves(lines, block, range.end, leaves);
  for (const leaf of leaves) {
    if (mayHoldDiff(leaf)) scan(await leafLines(lines, leaf));
  }
  return { subject, reply, headers, files, errors };
}
