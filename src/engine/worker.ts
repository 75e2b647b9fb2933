// A --jobs worker: analyzes its share of the files in order and posts one outcome per file.

import { parentPort, workerData } from 'node:worker_threads';
import type { SourceFile } from '../input/paths.js';
import type { KernelVersion } from '../kernel-version.js';
import type { ConfigProfile } from '../lang/preprocess/config-profile.js';
import { selectRules } from './registry.js';
import { analyzeFile } from './analyze-file.js';

interface WorkerInput {
  files: SourceFile[];
  ruleIds: string[];
  kernelVersion?: KernelVersion;
  prefilter: boolean;
  legacyArch?: boolean;
  profile?: ConfigProfile;
}

const input = workerData as WorkerInput;
const rules = selectRules(input.ruleIds);
for (const file of input.files) {
  parentPort!.postMessage(await analyzeFile(file, { rules, kernelVersion: input.kernelVersion, prefilter: input.prefilter, legacyArch: input.legacyArch, profile: input.profile }));
  await new Promise<void>((resolve) => setImmediate(resolve));
}
