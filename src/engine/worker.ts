// A --jobs worker: takes files from the shared queue until it is empty, then posts what it found.

import { parentPort, workerData } from 'node:worker_threads';
import type { SourceFile } from '../input/paths.js';
import { drainQueue, type JobSpec } from './run.js';

interface WorkerInput {
  files: SourceFile[];
  order: Int32Array;
  counters: Int32Array;
  spec: JobSpec;
}

const input = workerData as WorkerInput;
parentPort!.postMessage(await drainQueue(input.files, input.order, input.counters, input.spec));
