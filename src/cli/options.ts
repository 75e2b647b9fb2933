// Flag values -> typed values. Each parser throws commander's InvalidArgumentError, so a bad value
// is reported like any other usage error ("error: option '--jobs <n>' argument '0' is invalid.
// ...") and exits 2.

import { InvalidArgumentError } from 'commander';
import type { KernelVersion } from '../kernel-version.js';
import { parseKernelVersion } from '../kernel-version.js';
import type { Severity } from '../finding.js';

export type FailOn = Severity | 'never';
export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'note', 'never'];

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github' | 'mail' | 'checkpatch' | 'b4' | 'patchwork';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];
/**
 * `patch` can also answer as a reply to the patch mail, and as the per-patch checks of b4
 * (checkpatch lines for prep/am --check, JSON for review) and of Patchwork.
 */
export const PATCH_OUTPUT_FORMATS: readonly OutputFormat[] = [...OUTPUT_FORMATS, 'mail', 'checkpatch', 'b4', 'patchwork'];

/** `patch --quiet`: what a clean patch gets. */
export const PATCH_QUIET_HELP = 'say nothing about a patch with nothing to report (--format mail: no reply for it)';

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
