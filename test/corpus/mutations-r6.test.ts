// Mutation tests for R6 present-swap-accessor-mismatch on real kernel functions (6.12 and 6.1
// trees from scripts/kernel-corpus.sh), modelled on mutations.test.ts. Each case swaps one
// accessor for the one of the other entry kind, the shape of the upstream fixes ad7df764b7e1
// (present readers on device-private swap PTEs) and ebdf8321eeeb (present setter on the rebuilt
// device-private entry): the pristine function is silent for R6, the mutated one reports at the
// edited line, and no other rule newly fires in it. Kernel text is read at test time only; the cases are in
// cases/r6.ts.

import { cases, rules } from './cases/r6.js';
import { describeMutations } from './mutation-harness.js';

// The whole catalogue, off-by-default rules included: none of them may newly fire either.
describeMutations('R6 mutations of real kernel functions', cases, { rules });
