import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImages, treeSource } from '../../src/input/images.js';
import type { Patch } from '../../src/patch-types.js';
import { makeTree, patchFrom } from './helpers.js';

let root: string;
let dir: string;
const SECRET = 'int secret;\n';

beforeAll(() => {
  // root/tree is the tree; root/outside.c and root/elsewhere/ lie outside it.
  root = makeTree({ 'outside.c': SECRET, 'elsewhere/inner.c': SECRET, 'tree/mm/ok.c': 'int ok;\n' });
  dir = path.join(root, 'tree');
  symlinkSync(path.join(root, 'outside.c'), path.join(dir, 'mm/link.c'));
  symlinkSync(path.join(root, 'elsewhere'), path.join(dir, 'linkdir'));
  // A link that stays inside the tree is fine.
  symlinkSync('ok.c', path.join(dir, 'mm/alias.c'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function modify(name: string): Patch {
  return patchFrom(
    [`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`, '@@ -1 +1 @@', '-int secret;', '+int public;', ''].join('\n'),
  );
}

describe('tree paths', () => {
  it.each([
    ['../outside.c', `refusing ../outside.c: it leaves the tree DIR`],
    ['mm/../../outside.c', `refusing mm/../../outside.c: it leaves the tree DIR`],
    ['ABS', `refusing ABS: absolute path`],
    ['mm/link.c', `refusing mm/link.c: it leaves the tree DIR through a symbolic link`],
    ['linkdir/inner.c', `refusing linkdir/inner.c: it leaves the tree DIR through a symbolic link`],
    ['linkdir/new.c', `refusing linkdir/new.c: it leaves the tree DIR through a symbolic link`],
  ])('refuses %s, naming it', async (given, message) => {
    const name = given === 'ABS' ? path.join(root, 'outside.c') : given;
    const [file] = await buildImages(modify(name), treeSource(dir));
    expect(file.pre).toBeUndefined();
    expect(file.post).toBeUndefined();
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0]).toMatchObject({ file: name, message: message.replace('DIR', dir).replace('ABS', name) });
    expect(readFileSync(path.join(root, 'outside.c'), 'utf8')).toBe(SECRET);
  });

  it('refuses a new file whose path leaves the tree', async () => {
    const patch = patchFrom(['--- /dev/null', '+++ b/../escape.c', '@@ -0,0 +1 @@', '+int x;', ''].join('\n'));
    const [file] = await buildImages(patch, treeSource(dir));
    expect(file.errors.map((e) => e.message)).toEqual([`refusing ../escape.c: it leaves the tree ${dir}`]);
  });

  it('accepts a symbolic link that stays inside the tree, and a tree reached through a link', async () => {
    const patch = patchFrom(['--- a/mm/alias.c', '+++ b/mm/alias.c', '@@ -1 +1 @@', '-int ok;', '+int fine;', ''].join('\n'));
    const [file] = await buildImages(patch, treeSource(dir));
    expect(file.errors).toEqual([]);
    expect(file.post?.text).toBe('int fine;\n');

    const viaLink = path.join(root, 'tree-link');
    symlinkSync(dir, viaLink);
    const [again] = await buildImages(patch, treeSource(viaLink));
    expect(again.errors).toEqual([]);
  });

  it('reports an unusable tree directory for each file', async () => {
    const [file] = await buildImages(modify('mm/ok.c'), treeSource(path.join(root, 'no-such-dir')));
    expect(file.errors[0].message).toBe(`cannot use tree ${path.join(root, 'no-such-dir')}: no such file or directory`);
  });

  it('refuses a file that is not text', async () => {
    mkdirSync(path.join(dir, 'bin'), { recursive: true });
    writeFileSync(path.join(dir, 'bin/nul.c'), Buffer.from([0x69, 0x00, 0x0a]));
    const [file] = await buildImages(modify('bin/nul.c'), treeSource(dir));
    expect(file.errors[0].message).toBe('bin/nul.c: binary file (contains a NUL byte)');
  });
});
