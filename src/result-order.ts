// The order of a run's results: the engine sorts its errors in it and every reporter prints in
// it, so it sits with the finding types it orders rather than in either layer. The contract keys
// come first (findings: file, line, column, rule via compareFindings; errors: file; incomplete:
// file, line); the tie-breakers after them only make each order total, so equal results always
// give the same bytes, whichever order the workers finished in.

import type { Finding, Incomplete, InputError } from './finding.js';
import { compareFindings } from './finding.js';

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function findingOrder(a: Finding, b: Finding): number {
  return compareFindings(a, b) || compareStrings(a.function, b.function) || compareStrings(a.fingerprint, b.fingerprint);
}

/**
 * Natural order: runs of digits compare as numbers, so `file9` < `file10` and `line 9: ...` <
 * `line 10: ...`; the rest compares by code unit. Equal numbers with different spellings (`07`,
 * `7`) fall back to the plain comparison, so the order stays total.
 */
export function naturalCompare(a: string, b: string): number {
  const chunks = /(\d+|\D+)/g;
  const as = a.match(chunks) ?? [];
  const bs = b.match(chunks) ?? [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === y) continue;
    const digits = /^\d/.test(x) && /^\d/.test(y);
    if (digits) {
      // Compared as digit strings, not Numbers: a 20-digit run must not lose precision.
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      continue;
    }
    return compareStrings(x, y);
  }
  return as.length - bs.length || compareStrings(a, b);
}

/** Errors by input, then message, both in natural order (`hunk 2` before `hunk 10`). */
export function errorOrder(a: InputError, b: InputError): number {
  return naturalCompare(a.file, b.file) || naturalCompare(a.message, b.message);
}

export function incompleteOrder(a: Incomplete, b: Incomplete): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    compareStrings(a.function, b.function) ||
    compareStrings(a.reason, b.reason)
  );
}
