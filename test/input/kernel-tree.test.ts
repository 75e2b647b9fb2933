import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearKernelTreeCache, detectKernelVersion } from '../../src/input/kernel-tree.js';

let root: string;

const KERNEL_MAKEFILE = `# SPDX-License-Identifier: GPL-2.0
VERSION = 6
PATCHLEVEL = 12
SUBLEVEL = 117
EXTRAVERSION =
NAME = Baby Opossum Posse
`;

function write(rel: string, text = ''): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-kernel-'));
  write('linux/Makefile', KERNEL_MAKEFILE);
  write('linux/mm/rmap.c', 'int x;\n');
  // An out-of-tree module inside the tree: its own Makefile must not be taken for the kernel's.
  write('linux/drivers/mod/Makefile', 'VERSION = 2\nPATCHLEVEL = 0\n');
  write('linux/drivers/mod/mod.c');
  // A project with a Makefile but no mm/ or include/.
  write('project/Makefile', 'VERSION = 1\nPATCHLEVEL = 4\n');
  write('project/src/main.c');
  // Just the headers: include/ is enough to be a kernel tree.
  write('headers/Makefile', 'VERSION = 6\nPATCHLEVEL = 1\n');
  write('headers/include/linux/mm.h');
  write('garbled/Makefile', 'VERSION = six\nPATCHLEVEL = 1\n');
  write('garbled/mm/x.c');
});

beforeEach(() => {
  clearKernelTreeCache();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('detectKernelVersion', () => {
  it('finds the top-level Makefile from a file, a directory, or the top itself', () => {
    expect(detectKernelVersion(path.join(root, 'linux/mm/rmap.c'))).toEqual({ major: 6, minor: 12 });
    expect(detectKernelVersion(path.join(root, 'linux/mm'))).toEqual({ major: 6, minor: 12 });
    expect(detectKernelVersion(path.join(root, 'linux'))).toEqual({ major: 6, minor: 12 });
  });

  it('works for a file that does not exist (a patch target) inside a tree', () => {
    expect(detectKernelVersion(path.join(root, 'linux/mm/new-file.c'))).toEqual({ major: 6, minor: 12 });
  });

  it('skips a Makefile without mm/ or include/ next to it', () => {
    expect(detectKernelVersion(path.join(root, 'linux/drivers/mod/mod.c'))).toEqual({ major: 6, minor: 12 });
    expect(detectKernelVersion(path.join(root, 'project/src/main.c'))).toBeUndefined();
  });

  it('accepts include/ alone and ignores a Makefile whose version does not parse', () => {
    expect(detectKernelVersion(path.join(root, 'headers/include/linux/mm.h'))).toEqual({ major: 6, minor: 1 });
    expect(detectKernelVersion(path.join(root, 'garbled/mm/x.c'))).toBeUndefined();
  });

  it('resolves relative paths against the working directory', () => {
    const relative = path.relative(process.cwd(), path.join(root, 'linux/mm/rmap.c'));
    expect(detectKernelVersion(relative)).toEqual({ major: 6, minor: 12 });
  });

  it('caches per directory until cleared', () => {
    write('moving/Makefile', 'VERSION = 5\nPATCHLEVEL = 15\n');
    write('moving/mm/a.c');
    expect(detectKernelVersion(path.join(root, 'moving/mm/a.c'))).toEqual({ major: 5, minor: 15 });
    write('moving/Makefile', 'VERSION = 6\nPATCHLEVEL = 6\n');
    expect(detectKernelVersion(path.join(root, 'moving/mm/b.c'))).toEqual({ major: 5, minor: 15 });
    clearKernelTreeCache();
    expect(detectKernelVersion(path.join(root, 'moving/mm/b.c'))).toEqual({ major: 6, minor: 6 });
  });
});
