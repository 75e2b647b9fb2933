// Progress of a long `ptelint check` on stderr: "files done of total, functions, elapsed", one
// line rewritten in place. Only for a person at a terminal: a pipe or a CI log gets nothing (the
// rewrites would pile up as lines), and neither does --quiet. Short runs print nothing either: the
// line appears only once a run has taken DELAY_MS, and is redrawn at most every INTERVAL_MS.

import type { OutputStream } from './program.js';

const DELAY_MS = 500;
const INTERVAL_MS = 100;
const CLEAR_LINE = '\r\u001b[K';

export interface ProgressState {
  done: number;
  total: number;
  functions: number;
}

export interface ProgressDisplay {
  update(state: ProgressState): void;
  /** Erases the line, so the report starts on a clean one. */
  finish(): void;
}

export function progressDisplay(stream: OutputStream, enabled: boolean, now: () => number = () => performance.now()): ProgressDisplay | undefined {
  if (!enabled || stream.isTTY !== true) return undefined;
  const started = now();
  let lastDrawn = -Infinity;
  let shown = false;
  return {
    update(state) {
      const t = now();
      const last = state.done === state.total;
      if (t - started < DELAY_MS || (t - lastDrawn < INTERVAL_MS && !last)) return;
      lastDrawn = t;
      shown = true;
      stream.write(`${CLEAR_LINE}ptelint: ${formatProgress(state, t - started)}`);
    },
    finish() {
      if (shown) stream.write(CLEAR_LINE);
    },
  };
}

export function formatProgress(state: ProgressState, elapsedMs: number): string {
  return `${state.done}/${state.total} files, ${state.functions} function${state.functions === 1 ? '' : 's'}, ${(elapsedMs / 1000).toFixed(1)} s`;
}
