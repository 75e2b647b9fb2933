// The rule catalogue: sorted by id; test/rules-meta.test.ts checks it against the directory.
import type { Rule } from '../src/engine/define-rule.js';
import batchMergedRestore from './batch-merged-restore.js';
import pteWriteGrantUnjustified from './pte-write-grant-unjustified.js';
import redundantMaybeMkwrite from './redundant-maybe-mkwrite.js';
import uffdWpNeverWritable from './uffd-wp-never-writable.js';

export const allRules: Rule[] = [
  batchMergedRestore,
  pteWriteGrantUnjustified,
  redundantMaybeMkwrite,
  uffdWpNeverWritable,
] as Rule[];
