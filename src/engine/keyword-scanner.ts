// The keyword prefilter: does a file (raw bytes) or a function (text) contain any of the enabled
// rules' keywords? Built once per rule set, answered without decoding. A whole 6.12 tree is
// 1.34 GB of which 711 of 59,952 files hold a keyword, so the file test is most of what a tree
// scan costs: the former alternation regular expression over decoded text took 8.0 s of CPU on
// the tree, an Aho-Corasick automaton over every byte 2.9 s (same run). Files now go through
// AlignedGramSearch (one aligned word in four, aligned-gram-search.ts) for keywords of 6 bytes or
// more, and Buffer.indexOf for the shorter ones (swp): on a quarter of the tree (315 MB, best of
// five, CPU time, same run) the automaton takes 1.9 ns a byte, this 0.83 ns; a whole-tree scan
// (--jobs 1) went from 17.1 s to 14.0 s of CPU, same findings. Functions (already decoded) are
// encoded back to UTF-8 and searched the same way.
//
// Hand-written rather than an npm multi-string search (modern-ahocorasick, @monyone/aho-corasick):
// those search JavaScript strings and report every match through maps of transitions; here the
// input is a Buffer that must not be decoded first, and the answer is the first match.

import type { Rule } from './define-rule.js';
import type { PieceFilter } from '../input/read-source.js';
import { AlignedGramSearch, commonness, WINDOW } from './aligned-gram-search.js';

export class KeywordScanner {
  /** The keywords shorter than AlignedGramSearch's window, each searched on its own. */
  private readonly shortKeywords: ShortKeyword[];
  private readonly longKeywords: AlignedGramSearch;
  readonly empty: boolean;
  /** The file test as a piece filter: a file read in pieces holds a keyword iff some piece does. */
  readonly pieces: PieceFilter;

  constructor(keywords: readonly string[]) {
    for (const k of keywords) {
      // A text is searched as its UTF-8 bytes: that finds exactly its keywords only if they are ASCII.
      if (!/^[\x01-\x7f]+$/.test(k)) throw new Error(`keyword '${k}' must be non-empty ASCII`);
    }
    this.empty = keywords.length === 0;
    // A keyword that contains another is found whenever it is: only the others need searching.
    const needed = [...new Set(keywords)].filter((k, _, all) => !all.some((o) => o !== k && k.includes(o)));
    this.shortKeywords = needed.filter((k) => k.length < WINDOW).map(shortKeyword);
    this.longKeywords = new AlignedGramSearch(needed.filter((k) => k.length >= WINDOW));
    const longest = Math.max(0, ...needed.map((k) => k.length));
    this.pieces = { wants: (bytes) => this.inBytes(bytes), overlap: Math.max(0, longest - 1) };
  }

  /** Any keyword in these bytes (UTF-8 or anything else: keywords are ASCII)? */
  inBytes(bytes: Uint8Array): boolean {
    if (this.empty) return false;
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const k of this.shortKeywords) if (containsShort(buffer, k)) return true;
    return this.longKeywords.in(buffer);
  }

  /**
   * Any keyword in this text? Searched in its UTF-8 bytes, which hold a keyword's ASCII bytes
   * exactly where the text holds its characters (every other code point encodes to bytes of
   * 0x80 and above). An Aho-Corasick automaton over the code units did this before; building
   * its table cost 10 ms of every run (a tenth of a mail's work beyond Node's start-up), and
   * encoding then searching is as fast on function-sized texts.
   */
  inText(text: string): boolean {
    return this.inBytes(Buffer.from(text, 'utf8'));
  }
}

/**
 * A short keyword is searched from its rarest byte on: Buffer.indexOf looks for the first byte of
 * what it searches with memchr, so "wp" then a look back for "s" costs a third of "swp" (whose
 * "s" is everywhere).
 */
interface ShortKeyword {
  /** The keyword's bytes before its rarest one. */
  head: Buffer;
  /** From the rarest byte to the end: what indexOf searches. */
  tail: Buffer;
}

function shortKeyword(keyword: string): ShortKeyword {
  const bytes = Buffer.from(keyword, 'latin1');
  let rarest = 0;
  for (let i = 1; i < bytes.length; i++) if (commonness(bytes[i]) < commonness(bytes[rarest])) rarest = i;
  return { head: bytes.subarray(0, rarest), tail: bytes.subarray(rarest) };
}

function containsShort(bytes: Buffer, { head, tail }: ShortKeyword): boolean {
  for (let at = bytes.indexOf(tail, head.length); at !== -1; at = bytes.indexOf(tail, at + 1)) {
    let k = 0;
    while (k < head.length && bytes[at - head.length + k] === head[k]) k++;
    if (k === head.length) return true;
  }
  return false;
}

const scanners = new WeakMap<readonly Rule[], KeywordScanner>();

/** The scanner for a rule set's keywords, built once per rule array. */
export function scannerFor(rules: readonly Rule[]): KeywordScanner {
  let scanner = scanners.get(rules);
  if (!scanner) {
    scanner = new KeywordScanner([...new Set(rules.flatMap((r) => r.meta.keywords))]);
    scanners.set(rules, scanner);
  }
  return scanner;
}
