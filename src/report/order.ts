// The order both reporters print in. The contract keys come first (findings: file, line, column,
// rule via compareFindings; errors: file; incomplete: file, line); the tie-breakers after them
// only make each order total, so equal results always give the same bytes, whichever order the
// workers finished in.

import type { Finding, Incomplete, InputError } from '../finding.js';
import { compareFindings } from '../finding.js';

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function findingOrder(a: Finding, b: Finding): number {
  return compareFindings(a, b) || compareStrings(a.function, b.function) || compareStrings(a.fingerprint, b.fingerprint);
}

export function errorOrder(a: InputError, b: InputError): number {
  return compareStrings(a.file, b.file) || compareStrings(a.message, b.message);
}

export function incompleteOrder(a: Incomplete, b: Incomplete): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    compareStrings(a.function, b.function) ||
    compareStrings(a.reason, b.reason)
  );
}
