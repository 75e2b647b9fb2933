// Mutation tests for R4 (uffd-wp-clear-on-unregistered-dst) and R13 (softdirty-tracking-predicate)
// on real kernel functions (6.12 and 6.1 trees from scripts/kernel-corpus.sh), modelled on
// test/corpus/mutations.test.ts: each case edits one function in memory, the pristine function is
// silent for the rule, the mutated one fires at the named line, and no other rule newly fires there.
// Kernel text is read at test time only; the snippets (cases/r4r13.ts) are single statements or
// conditions.

import { cases, rules } from './cases/r4r13.js';
import { describeMutations } from './mutation-harness.js';

// The whole catalogue, off-by-default rules included: none of them may newly fire either.
describeMutations('R4/R13 mutations of real kernel functions', cases, { rules });
