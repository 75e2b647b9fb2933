// RFC 5322 header blocks (a mail's, or a MIME part's) and the structured values ptelint reads
// from them: Content-Type with its parameters, Content-Transfer-Encoding, Subject.

import { decodeWords } from 'postal-mime';
import type { TextLines } from './lines.js';

export interface HeaderBlock {
  /** Lower-cased name → unfolded values, in order. */
  fields: Map<string, string[]>;
  /** Index of the first body line (after the blank line that ends the headers). */
  bodyStart: number;
}

// A field name is printable ASCII without ':' or space; bounded so a huge line costs nothing.
const FIELD = /^([!-9;-~]{1,76}):/;

/** Headers whose presence says "this is a mail", unlike a first line such as `Re: [PATCH]`. */
const MAIL_FIELDS = [
  'from', 'subject', 'date', 'message-id', 'content-type', 'mime-version', 'received', 'return-path', 'to',
];

export function isHeaderLine(line: string): boolean {
  return FIELD.test(line.length > 80 ? line.slice(0, 80) : line);
}

/**
 * The header block starting at `start`, ending at a blank line (or at the first line that is
 * neither a field nor a continuation). With `requireMail`, only a block holding at least one
 * well-known mail header counts, so that archived texts starting with `Re: [PATCH] ...` are
 * not mistaken for headers.
 */
export function parseHeaderBlock(
  lines: TextLines,
  start: number,
  end: number,
  requireMail: boolean,
): HeaderBlock | undefined {
  const fields = new Map<string, string[]>();
  let name: string | undefined;
  let value: string[] = [];
  const flush = (): void => {
    if (name === undefined) return;
    // Unfolded; runs of blanks are left for the readers of the value (subjects collapse them).
    const v = (value.length === 1 ? value[0] : value.join(' ')).trim();
    const list = fields.get(name);
    if (list) list.push(v);
    else fields.set(name, [v]);
    name = undefined;
  };
  let i = start;
  for (; i < end; i++) {
    if (lines.isBlank(i)) {
      i++;
      break;
    }
    const line = lines.line(i);
    const m = FIELD.exec(line.length > 80 ? line.slice(0, 80) : line);
    if (m) {
      flush();
      name = m[1].toLowerCase();
      value = [line.slice(m[0].length)];
    } else if ((line.startsWith(' ') || line.startsWith('\t')) && name !== undefined) {
      value.push(line);
    } else {
      break;
    }
  }
  flush();
  if (i === start) return requireMail ? undefined : { fields, bodyStart: start };
  if (requireMail && !MAIL_FIELDS.some((f) => fields.has(f))) return undefined;
  return { fields, bodyStart: i };
}

export function field(block: HeaderBlock, name: string): string | undefined {
  const list = block.fields.get(name);
  return list ? list[list.length - 1] : undefined;
}

export interface ContentType {
  /** Lower-cased `type/subtype`. */
  type: string;
  params: Map<string, string>;
}

/** `type/subtype; key=value; key="quoted; value"`, with RFC 2231 `key*=charset''pct%20enc`. */
export function parseContentType(value: string | undefined, fallback = 'text/plain'): ContentType {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  // A hand-written split: quotes may hide ';' and a regex over a long header could backtrack.
  const text = value ?? '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  const type = (parts[0] ?? '').trim().toLowerCase() || fallback;
  const params = new Map<string, string>();
  const continued = new Map<string, string[]>();
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    let extended = false;
    if (key.endsWith('*')) {
      key = key.slice(0, -1);
      extended = true;
    }
    const section = /^(.*)\*(\d+)$/.exec(key);
    if (extended) {
      const tick = val.indexOf("''");
      if (tick >= 0 && !section) val = val.slice(tick + 2);
      try {
        val = decodeURIComponent(val);
      } catch {
        // Not UTF-8 percent-encoding: keep it as written; only file extensions are looked at.
      }
    }
    if (section) {
      const list = continued.get(section[1]) ?? [];
      list[Number(section[2])] = val;
      continued.set(section[1], list);
    } else {
      params.set(key, val);
    }
  }
  for (const [key, list] of continued) {
    if (!params.has(key)) params.set(key, list.filter((s) => s !== undefined).join('').replace(/^[^']*''/, ''));
  }
  return { type, params };
}

/** A header value with its RFC 2047 encoded words decoded and its blanks collapsed. */
export function decodedHeader(raw: string): string {
  let s: string;
  try {
    s = decodeWords(raw);
  } catch {
    s = raw;
  }
  return s.replace(/\s+/g, ' ').trim();
}

/** Decoded (RFC 2047) and unfolded subject, with any number of leading `Re:` removed. */
export function normalizeSubject(raw: string): { subject: string; reply: boolean } {
  const s = decodedHeader(raw);
  // A sticky regex walked along the string: no re-slicing per `Re:` of a `Re: Re: Re:` chain.
  const re = /re(?:\[\d{1,4}\])?\s?:\s*/iy;
  let pos = 0;
  while (re.exec(s)) pos = re.lastIndex;
  return { subject: s.slice(pos), reply: pos > 0 };
}
