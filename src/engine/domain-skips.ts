// Functions outside the rules' domain, decided without parsing: no user page-table entry changes
// there, so analysing them could only produce noise.

import { isPageTablePrimitive } from '../analysis/kernel-api.js';
import type { SourceFunction } from '../lang/slice.js';

/** Is `fn` (a function of the file whose lines are `rawLines`) outside every rule's domain? */
export function outsideDomain(rawLines: string[], fn: SourceFunction): boolean {
  // Definitions of the primitives themselves (6.1 arm64 set_huge_pte_at()) are summarised in
  // kernel-api/table.ts and checked at their callers.
  return isBootTimeCode(rawLines, fn) || isPageTablePrimitive(fn.name);
}

/**
 * __init / __meminit functions run once at boot, before any user page table exists: the page-table
 * self-tests of mm/debug_vm_pgtable.c build and install entries on purpose, and no transition of a
 * user entry happens there.
 */
function isBootTimeCode(rawLines: string[], fn: SourceFunction): boolean {
  const header = rawLines.slice(fn.startLine - 1, fn.nameLine).join('\n');
  return /\b__(init|meminit|ref)\b/.test(header);
}
