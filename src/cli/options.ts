// Flag values -> typed values. Each parser throws commander's InvalidArgumentError, so a bad value
// is reported like any other usage error ("error: option '--jobs <n>' argument '0' is invalid.
// ...") and exits 2.

import { InvalidArgumentError, Option } from 'commander';
import type { Shard } from '../input/select-files.js';
import { COLOR_MODES } from '../report/color.js';
import type { KernelVersion } from '../kernel-version.js';
import { parseKernelVersion } from '../kernel-version.js';
import type { Severity } from '../finding.js';

export type FailOn = Severity | 'never';
export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'note', 'never'];

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github' | 'mail' | 'checkpatch' | 'b4' | 'patchwork';
// The formats each command has are the keys of the table in output-formats.ts.

/** `patch --quiet`: what a clean patch gets. */

export function parseJobs(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function parseKernelVersionFlag(value: string): KernelVersion {
  const version = parseKernelVersion(value);
  if (!version) throw new InvalidArgumentError('expected a kernel version such as 6.12');
  return version;
}

/**
 * Parser for a comma-separated list of rule ids; repeating the flag adds to the list. An unknown
 * id is a usage error rather than a silent no-op, because `--disable` with a typo would otherwise
 * leave the noisy rule on without a word.
 */
export function ruleIdListParser(knownIds: readonly string[]): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => {
    const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
    if (ids.length === 0) throw new InvalidArgumentError('expected one or more comma-separated rule ids');
    const unknown = ids.filter((id) => !knownIds.includes(id));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`unknown rule ${unknown.map((id) => `'${id}'`).join(', ')}; ${validIdsText(knownIds)}`);
    }
    return [...new Set([...previous, ...ids])];
  };
}

export function validIdsText(knownIds: readonly string[]): string {
  return knownIds.length === 0 ? 'no rules are registered yet' : `valid ids: ${[...knownIds].sort().join(', ')}`;
}

/**
 * --quiet, one definition for every command that takes it: no progress display, and the text
 * reports leave out everything but findings and errors (no summary line, no count of functions
 * not fully analyzed), so a clean run prints nothing at all.
 */
export function quietOption(): Option {
  return new Option('--quiet', 'print only findings and errors: no progress, no summary line (a clean run prints nothing; --format mail: no reply to a patch with nothing new)');
}

/** --color always|never|auto (auto: FORCE_COLOR, then NO_COLOR, then whether the stream is a terminal). */
export function colorOption(): Option {
  return new Option('--color <when>', 'colour the text output: always, never, or auto (FORCE_COLOR, NO_COLOR, terminal)').choices(COLOR_MODES).default('auto');
}

/** `I/N`, 1-based: `--shard 2/4` is the second of four. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError('expected I/N with 1 <= I <= N, such as 2/4');
  }
  return { index, count };
}

/** `-p N` of patch(1): leading path components to strip from plain `diff -u` names. */
export function parseStripCount(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a number of leading path components (0, 1, ...)');
  return n;
}
