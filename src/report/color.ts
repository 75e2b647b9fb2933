// ANSI styling for the text reporter. Whether to colour is decided once, by the CLI, from the
// stream it writes to; the reporters only receive the answer, which keeps them deterministic.

export type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan';

const CODES: Record<Style, [open: number, close: number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export type Paint = (text: string, ...styles: Style[]) => string;

export function painter(enabled: boolean): Paint {
  if (!enabled) return (text) => text;
  return (text, ...styles) =>
    styles.reduce((inner, style) => `\u001b[${CODES[style][0]}m${inner}\u001b[${CODES[style][1]}m`, text);
}

export type ColorMode = 'always' | 'never' | 'auto';
export const COLOR_MODES: readonly ColorMode[] = ['always', 'never', 'auto'];

/**
 * Whether to colour a stream. Precedence: --color always|never, then FORCE_COLOR (as Node reads
 * it: "0" or "false" turn colour off, any other value, even empty, on), then NO_COLOR (set to
 * anything non-empty: off, no-color.org), then the stream: colour only for a person looking at a
 * terminal, never into pipes and files (editors and CI logs would show the escapes), nor TERM=dumb.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>, mode: ColorMode = 'auto'): boolean {
  if (mode !== 'auto') return mode === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
