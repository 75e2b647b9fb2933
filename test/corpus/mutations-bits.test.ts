// Mutation tests for the bit-transfer rules (uffd-wp-propagate R3, soft-dirty-propagate R5,
// soft-dirty-spurious-gain) on real kernel functions (6.12 and 6.1 trees from
// scripts/kernel-corpus.sh). Each case deletes the carry of one bit in one direction of one real
// transition (encode, decode, rebuild, split, unshare, move, zap) and checks that the rule reports the
// mutated function while the pristine function is silent for it, and that no other rule newly
// fires there. Where the finding goes: at the construction of the installed value that lost the
// bit (`swp_pte = swp_entry_to_pte(entry)`, `pte = mk_pte(..)`), at the installer when an entry
// is moved whole (mremap), or at the clearing read when a zapped entry leaves no marker. The
// message must name the direction and the source entry.
// Kernel text is read at test time only; the snippets (cases/bits.ts) are single statements.

import { cases, rules } from './cases/bits.js';
import { describeMutations } from './mutation-harness.js';

// allRules: the off-by-default soft-dirty-spurious-gain note has cases of its own here.
describeMutations('bit-transfer mutations of real kernel functions', cases, { rules });
