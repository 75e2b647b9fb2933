// Splits an input into mails: an mbox holds a series, one mail per `From ` separator line.
// A separator is taken only where mbox puts one (first line, or after a blank line) and only
// when a header follows it, so prose or a context line starting with "From " never splits a mail.
// `git log -p` / `git show` output is split the same way on its `commit <sha>` lines.

import { isHeaderLine } from './headers.js';
import type { TextLines } from './lines.js';

export interface MailRange {
  /** First line of the mail (its separator line, when it has one). */
  start: number;
  end: number;
}

export function isMboxSeparator(lines: TextLines, i: number): boolean {
  return lines.startsWith(i, 'From ') && (i === 0 || lines.isBlank(i - 1)) && isHeaderLine(lines.line(i + 1));
}

export function isCommitSeparator(lines: TextLines, i: number): boolean {
  return (
    lines.startsWith(i, 'commit ') &&
    (i === 0 || lines.isBlank(i - 1)) &&
    /^commit [0-9a-f]{40}(\s|$)/.test(lines.line(i).slice(0, 60)) &&
    /^(Author|Merge):/.test(lines.line(i + 1).slice(0, 10))
  );
}

export function splitMails(lines: TextLines): MailRange[] {
  const starts: number[] = [];
  for (let i = 0; i < lines.count; i++) {
    // First-character test first: this loop sees every line of the input.
    const c = lines.firstCode(i);
    if ((c === 0x46 /* F */ && isMboxSeparator(lines, i)) || (c === 0x63 /* c */ && isCommitSeparator(lines, i))) {
      starts.push(i);
    }
  }
  if (starts.length === 0) return [{ start: 0, end: lines.count }];
  const mails: MailRange[] = [];
  // Text before the first separator (a bare diff pasted above an mbox) is a mail of its own.
  let preambleBlank = true;
  for (let i = 0; i < starts[0] && preambleBlank; i++) preambleBlank = lines.isBlank(i);
  if (!preambleBlank) mails.push({ start: 0, end: starts[0] });
  for (let k = 0; k < starts.length; k++) {
    mails.push({ start: starts[k], end: k + 1 < starts.length ? starts[k + 1] : lines.count });
  }
  return mails;
}
