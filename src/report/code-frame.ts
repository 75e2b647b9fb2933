// The source line under a diagnostic, with a caret under the reported column. Kernel code is
// indented with tabs; terminals expand a tab to the next multiple of 8, so the caret has to be
// placed by that rule too, or it lands under the wrong token.

export const TAB_WIDTH = 8;

// ESC and the other C0 controls would be interpreted by the terminal (and a stray one can hide
// text); each is shown as one replacement character so the caret arithmetic stays the same.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

/** The line as a terminal would show it: tabs expanded, controls made visible, no trailing CR. */
export function expandTabs(line: string): string {
  let out = '';
  let width = 0;
  for (const ch of line.replace(/\r$/, '')) {
    if (ch === '\t') {
      const pad = TAB_WIDTH - (width % TAB_WIDTH);
      out += ' '.repeat(pad);
      width += pad;
    } else {
      out += ch.replace(CONTROL, '\ufffd');
      width += 1;
    }
  }
  return out;
}

/**
 * 0-based display offset of 1-based `column`, counted in characters (code points) of `line`.
 * A column past the end of the line points just after its last character.
 */
export function displayOffset(line: string, column: number): number {
  let width = 0;
  let index = 1;
  for (const ch of line) {
    if (index >= column) break;
    width += ch === '\t' ? TAB_WIDTH - (width % TAB_WIDTH) : 1;
    index++;
  }
  return width + Math.max(0, column - index);
}

export interface CodeFrameStyle {
  /** Applied to the gutter (line number and bar). */
  gutter: (text: string) => string;
  /** Applied to the caret. */
  caret: (text: string) => string;
}

/** Two lines, gcc style: ` 12 | <source>` then `    |    ^`. */
export function codeFrame(source: string, lineNumber: number, column: number, style: CodeFrameStyle): string[] {
  const number = String(lineNumber);
  const blank = ' '.repeat(number.length);
  const text = expandTabs(source);
  const firstLine = text === '' ? style.gutter(` ${number} |`) : `${style.gutter(` ${number} |`)} ${text}`;
  return [firstLine, `${style.gutter(` ${blank} |`)} ${' '.repeat(displayOffset(source, column))}${style.caret('^')}`];
}
