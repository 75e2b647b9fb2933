// The kernel version of a real tree, read from its top-level Makefile (test/input/kernel-tree.test.ts
// has the written cases).

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectKernelVersion } from '../../src/input/kernel-tree.js';
import { kernelTree, missingKernelTree } from '../inputs.js';

describe.skipIf(missingKernelTree('6.12'))('detectKernelVersion on the real 6.12 tree', () => {
  it('reads the real 6.12 tree', () => {
    expect(detectKernelVersion(path.join(kernelTree('6.12'), 'mm/rmap.c'))).toEqual({ major: 6, minor: 12 });
  });
});
