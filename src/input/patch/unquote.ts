// Mail quoting: review replies quote a diff with `> `, `>> `, `> > `, and mailers are not
// consistent about the space after a marker (some lines `>+foo`, others `> +foo`). A quote
// prefix is a run of `>` markers, markers optionally separated by ONE space; after the last
// marker one optional space belongs to the quoting too.
//
// Why one space and not all: a quoted context line is `> ` + ` \tcode` = `>  \tcode`. Stripping
// `> ` leaves ` \tcode`, a context line with its prefix; a mailer that quoted with `>` only gives
// `> \tcode`, and stripping `> ` leaves `\tcode`, which the tolerant hunk parser also reads as
// context (a line without a diff prefix is context with its full text). Both give text `\tcode`.
// Leading whitespace is never taken as quoting: in an unquoted diff ` >> shift` is code.

export interface Quote {
  /** Number of `>` markers. */
  depth: number;
  /** The line with every marker stripped (and the one optional space after the last). */
  content: string;
}

/**
 * Scans up to `limit` markers: their number and the offset just after the last one (and its
 * optional space). No allocation: this runs on every line of inputs of millions of lines.
 */
function scanMarkers(line: string, limit: number): { depth: number; end: number } {
  let depth = 0;
  let end = 0;
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 0x3e /* > */ && depth < limit) {
    i++;
    depth++;
    // The space after a marker is part of the quoting when another marker follows or when
    // it is the last marker (`> +foo`); in both cases one space only.
    if (line.charCodeAt(i) === 0x20) {
      end = i + 1;
      if (line.charCodeAt(i + 1) === 0x3e) i++;
      else break;
    } else {
      end = i;
    }
  }
  return { depth, end };
}

/** Depth and fully unquoted content of a line. */
export function unquote(line: string): Quote {
  if (line.charCodeAt(0) !== 0x3e) return { depth: 0, content: line };
  const m = scanMarkers(line, Number.MAX_SAFE_INTEGER);
  return { depth: m.depth, content: line.slice(m.end) };
}

/** Quote depth of a line (how many `>` markers it starts with). */
export function quoteDepth(line: string): number {
  return line.charCodeAt(0) === 0x3e ? scanMarkers(line, Number.MAX_SAFE_INTEGER).depth : 0;
}

/**
 * The line with at most `depth` markers stripped: what a diff quoted at `depth` says on this
 * line. A deeper-quoted line keeps its extra markers in the content.
 */
export function stripQuote(line: string, depth: number): string {
  if (depth <= 0 || line.charCodeAt(0) !== 0x3e) return line;
  return line.slice(scanMarkers(line, depth).end);
}
