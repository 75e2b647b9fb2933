// Runs once in vitest's main process before the integration test files: finds the inputs that
// live outside the repository (test/inputs.ts), hands them to the test files, and says which are
// missing and how to get them, at the start and again under the results, so a skipped suite is
// never a silent one.

import type { TestProject } from 'vitest/node';
import { findKernelTree } from './corpus/kernel-trees.js';
import { findSeeds } from './seed-mails.js';
import type { TestInputs } from './inputs.js';

function missingNote(inputs: TestInputs): string | undefined {
  const missing = [inputs.seeds, inputs.trees['6.12'], inputs.trees['6.1']].flatMap((f) => ('missing' in f ? [f.missing] : []));
  if (missing.length === 0) return undefined;
  return ['', 'ptelint tests: the suites that need these inputs are skipped:', ...missing.map((m) => `  - ${m}`), ''].join('\n');
}

export default function setup(project: TestProject): () => void {
  // 6.12 first: the script unpacks a tree on first use, one at a time here rather than in every worker.
  const inputs: TestInputs = { seeds: findSeeds(), trees: { '6.12': findKernelTree('6.12'), '6.1': findKernelTree('6.1') } };
  project.provide('testInputs', inputs);
  const note = missingNote(inputs);
  if (note) console.warn(note);
  return () => {
    if (note) console.warn(note);
  };
}
