// The rule catalogue: sorted by id; test/rules-meta.test.ts checks it against the directory.
import type { Rule } from '../src/engine/define-rule.js';
import batchMergedRestore from './batch-merged-restore.js';
import cowCopyWrprotect from './cow-copy-wrprotect.js';
import forkExclusiveClear from './fork-exclusive-clear.js';
import presentSwapAccessorMismatch from './present-swap-accessor-mismatch.js';
import pteWriteGrantUnjustified from './pte-write-grant-unjustified.js';
import readonlyRestoreAfterMkdirty from './readonly-restore-after-mkdirty.js';
import redundantMaybeMkwrite from './redundant-maybe-mkwrite.js';
import softDirtyPropagate from './soft-dirty-propagate.js';
import softDirtySpuriousGain from './soft-dirty-spurious-gain.js';
import softdirtyTrackingPredicate from './softdirty-tracking-predicate.js';
import swpExclusiveDecode from './swp-exclusive-decode.js';
import tryShareResultChecked from './try-share-result-checked.js';
import uffdWpClearOnUnregisteredDst from './uffd-wp-clear-on-unregistered-dst.js';
import uffdWpNeverWritable from './uffd-wp-never-writable.js';
import uffdWpPropagate from './uffd-wp-propagate.js';
import unmapExclusivePairing from './unmap-exclusive-pairing.js';
import writeUpgradePredicateComplete from './write-upgrade-predicate-complete.js';

export const allRules: Rule[] = [
  batchMergedRestore,
  cowCopyWrprotect,
  forkExclusiveClear,
  presentSwapAccessorMismatch,
  pteWriteGrantUnjustified,
  readonlyRestoreAfterMkdirty,
  redundantMaybeMkwrite,
  softDirtyPropagate,
  softDirtySpuriousGain,
  softdirtyTrackingPredicate,
  swpExclusiveDecode,
  tryShareResultChecked,
  uffdWpClearOnUnregisteredDst,
  uffdWpNeverWritable,
  uffdWpPropagate,
  unmapExclusivePairing,
  writeUpgradePredicateComplete,
] as Rule[];
