// Line access over a text without splitting it into an array of strings up front: a 50 MB mail
// is indexed once (one offset per line) and each line is sliced only when a reader asks for it.
// Every consumer goes through LineSource so that decoded MIME bodies and raw input ranges look
// the same to the diff parser, each knowing how its lines map back to the original input.

/** Lines a parser can read, each knowing its 1-based line in the original input. */
export interface LineSource {
  readonly count: number;
  /** The line's text without its line end (LF or CRLF). */
  line(i: number): string;
  /** 1-based line of the original input this line was read from (exact or approximate). */
  inputLine(i: number): number;
  /** UTF-16 code of the line's first character (NaN when empty): lets scanners skip prose unsliced. */
  firstCode(i: number): number;
}

export class TextLines implements LineSource {
  readonly text: string;
  readonly count: number;
  // 4 bytes per line (a V8 string is shorter than 2^32): a 50 MB input of 2-byte lines costs
  // 100 MB here, where a number[] would cost twice that and more while it grows.
  private readonly starts: Uint32Array;

  constructor(text: string) {
    this.text = text;
    // One pass of native indexOf (which also flattens a rope string once), growing the offsets
    // array by doubling; a text ending in '\n' has no extra empty last line.
    let starts = new Uint32Array(Math.max(16, text.length >>> 6));
    let count = 0;
    let pos = 0;
    while (pos < text.length) {
      if (count === starts.length) {
        const grown = new Uint32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[count++] = pos;
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      pos = nl + 1;
    }
    this.starts = starts;
    this.count = count;
  }

  /** UTF-16 code of the first character of line i (NaN for an empty last line or past the end). */
  firstCode(i: number): number {
    return i >= 0 && i < this.count ? this.text.charCodeAt(this.starts[i]) : NaN;
  }

  /** Offset of the first character of line i (text.length past the last line). */
  start(i: number): number {
    return i < this.count ? this.starts[i] : this.text.length;
  }

  line(i: number): string {
    if (i < 0 || i >= this.count) return '';
    const s = this.starts[i];
    let e = i + 1 < this.count ? this.starts[i + 1] - 1 : this.text.length;
    if (e > s && this.text.charCodeAt(e - 1) === 0x0a) e--; // last line ending in '\n'
    if (e > s && this.text.charCodeAt(e - 1) === 0x0d) e--; // CRLF, wherever it occurs
    return this.text.slice(s, e);
  }

  /** Cheap prefix test without slicing the line (used on every line of big inputs). */
  startsWith(i: number, prefix: string): boolean {
    return i >= 0 && i < this.count && this.text.startsWith(prefix, this.starts[i]);
  }

  /** True for a line that is empty or only whitespace. */
  isBlank(i: number): boolean {
    if (i < 0 || i >= this.count) return true;
    const end = i + 1 < this.count ? this.starts[i + 1] : this.text.length;
    for (let p = this.starts[i]; p < end; p++) {
      const c = this.text.charCodeAt(p);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
    }
    return true;
  }

  /** The raw text of lines [from, to), line ends included (what a MIME decoder wants). */
  raw(from: number, to: number): string {
    return this.text.slice(this.start(from), this.start(to));
  }

  inputLine(i: number): number {
    return i + 1;
  }
}

/** Lines [from, to) of a TextLines whose line 0 is input line `base + 1`. */
export class LineRange implements LineSource {
  readonly count: number;
  constructor(
    private readonly lines: TextLines,
    private readonly from: number,
    to: number,
    private readonly base = 0,
  ) {
    this.count = Math.max(0, Math.min(to, lines.count) - from);
  }
  line(i: number): string {
    return this.lines.line(this.from + i);
  }
  firstCode(i: number): number {
    return i >= 0 && i < this.count ? this.lines.firstCode(this.from + i) : NaN;
  }
  inputLine(i: number): number {
    return this.base + this.from + i + 1;
  }
}

/** Lines of a decoded text, mapped to input lines by a function the decoder provides. */
export class MappedLines implements LineSource {
  readonly count: number;
  constructor(
    private readonly lines: TextLines,
    private readonly map: (i: number) => number,
  ) {
    this.count = lines.count;
  }
  line(i: number): string {
    return this.lines.line(i);
  }
  firstCode(i: number): number {
    return this.lines.firstCode(i);
  }
  inputLine(i: number): number {
    return this.map(i);
  }
}
