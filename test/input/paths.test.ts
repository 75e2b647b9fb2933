import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectSourceFiles } from '../../src/input/paths.js';

let root: string;
const startCwd = process.cwd();

function write(rel: string, text = 'int x;\n'): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-paths-'));
  write('mm/rmap.c');
  write('mm/memory.c');
  write('mm/internal.h');
  write('mm/Makefile', 'obj-y := rmap.o\n');
  write('mm/notes.txt');
  write('mm/sub/deep.c');
  write('mm/.git/objects/x.c');
  write('mm/node_modules/pkg/y.c');
  write('order/B.c');
  write('order/_.c');
  write('order/a.c');
  // UTF-16 order puts U+1F600 (a surrogate pair, 0xD83D...) before U+FF61; UTF-8 byte order does not.
  write('order/\u{1F600}.c');
  write('order/\uFF61.c');
  mkdirSync(path.join(root, 'empty/sub'), { recursive: true });
  write('empty/sub/README');
  // Links that would loop forever if followed, a link to a file, and a dangling one.
  symlinkSync('..', path.join(root, 'mm/sub/up'));
  mkdirSync(path.join(root, 'cycle/a'), { recursive: true });
  mkdirSync(path.join(root, 'cycle/b'), { recursive: true });
  symlinkSync('../b', path.join(root, 'cycle/a/to-b'));
  symlinkSync('../a', path.join(root, 'cycle/b/to-a'));
  write('cycle/a/x.c');
  symlinkSync('rmap.c', path.join(root, 'mm/linked.c'));
  symlinkSync('sub', path.join(root, 'mm/dir-link.h'));
  symlinkSync('does-not-exist.c', path.join(root, 'mm/dangling.c'));
  execFileSync('mkfifo', [path.join(root, 'mm/fifo.c')]);
});

afterEach(() => {
  process.chdir(startCwd);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const displays = async (paths: string[]) => (await collectSourceFiles(paths)).files.map((f) => f.display);

describe('collectSourceFiles', () => {
  it('joins the path as typed with the file path below it', async () => {
    process.chdir(root);
    const mm = ['mm/internal.h', 'mm/linked.c', 'mm/memory.c', 'mm/rmap.c', 'mm/sub/deep.c'];
    expect(await displays(['mm'])).toEqual(mm);
    expect(await displays(['mm/'])).toEqual(mm);
    expect(await displays(['./mm'])).toEqual(mm);
    process.chdir(path.join(root, 'mm'));
    expect(await displays(['.'])).toEqual(['internal.h', 'linked.c', 'memory.c', 'rmap.c', 'sub/deep.c']);
    expect(await displays(['./rmap.c'])).toEqual(['rmap.c']);
    process.chdir(path.join(root, 'mm/sub'));
    expect(await displays(['../rmap.c'])).toEqual(['../rmap.c']);
  });

  it('prints absolute paths for absolute arguments and resolves every file absolutely', async () => {
    const { files } = await collectSourceFiles([path.join(root, 'mm')]);
    expect(files.map((f) => f.display)).toContain(path.join(root, 'mm/rmap.c'));
    for (const f of files) expect(f.absolute).toBe(path.join(root, path.relative(root, f.display)));
  });

  it('keeps .c and .h only, skips .git and node_modules, FIFOs, dangling links and links to directories', async () => {
    process.chdir(root);
    const { files, errors } = await collectSourceFiles(['mm']);
    expect(errors).toEqual([]);
    const names = files.map((f) => f.display);
    expect(names).not.toContain('mm/Makefile');
    expect(names).not.toContain('mm/notes.txt');
    expect(names.some((n) => n.includes('.git') || n.includes('node_modules'))).toBe(false);
    expect(names).not.toContain('mm/fifo.c');
    expect(names).not.toContain('mm/dangling.c');
    expect(names.some((n) => n.startsWith('mm/dir-link.h'))).toBe(false);
    expect(names).toContain('mm/linked.c');
  });

  it('terminates on symlink loops without following them', async () => {
    process.chdir(root);
    expect(await displays(['cycle'])).toEqual(['cycle/a/x.c']);
    expect((await displays(['mm'])).some((n) => n.includes('/up/'))).toBe(false);
  });

  it('sorts by the bytes of the display path', async () => {
    process.chdir(root);
    expect(await displays(['order'])).toEqual(['order/B.c', 'order/_.c', 'order/a.c', 'order/\uFF61.c', 'order/\u{1F600}.c']);
  });

  it('lists a file named twice once', async () => {
    process.chdir(root);
    const { files } = await collectSourceFiles(['mm/rmap.c', 'mm', './mm/rmap.c']);
    expect(files.filter((f) => f.absolute === path.join(root, 'mm/rmap.c'))).toHaveLength(1);
  });

  it('reports a missing path by the name it was given, and goes on with the others', async () => {
    process.chdir(root);
    const { files, errors } = await collectSourceFiles(['nope/missing.c', 'mm/rmap.c']);
    expect(errors).toEqual([{ file: 'nope/missing.c', message: 'no such file or directory' }]);
    expect(files.map((f) => f.display)).toEqual(['mm/rmap.c']);
  });

  it('refuses a file named explicitly that is not C, or not a regular file', async () => {
    process.chdir(root);
    const { files, errors } = await collectSourceFiles(['mm/notes.txt', 'mm/Makefile', 'mm/fifo.c']);
    expect(files).toEqual([]);
    expect(errors).toEqual([
      { file: 'mm/Makefile', message: 'not a C source or header (.c or .h)' },
      { file: 'mm/fifo.c', message: 'not a regular file' },
      { file: 'mm/notes.txt', message: 'not a C source or header (.c or .h)' },
    ]);
  });

  it('says so when a directory holds no C files', async () => {
    process.chdir(root);
    const { files, errors } = await collectSourceFiles(['empty']);
    expect(files).toEqual([]);
    expect(errors).toEqual([{ file: 'empty', message: 'no .c or .h files found in this directory' }]);
  });

  it('follows a symlink named on the command line', async () => {
    process.chdir(root);
    expect(await displays(['mm/sub/up/sub'])).toEqual(['mm/sub/up/sub/deep.c']);
  });

  it('writes nothing: every entry keeps its mtime, ctime and the tree its entries', async () => {
    const snapshot = () => {
      const seen: string[] = [];
      const visit = (dir: string) => {
        for (const name of readdirSync(dir).sort()) {
          const p = path.join(dir, name);
          const st = lstatSync(p);
          seen.push(`${p} ${st.mtimeMs} ${st.ctimeMs} ${st.size} ${st.mode}`);
          if (st.isDirectory()) visit(p);
        }
      };
      visit(root);
      return seen;
    };
    const before = snapshot();
    process.chdir(root);
    await collectSourceFiles(['.', 'mm', 'cycle', 'order', 'empty', 'nope']);
    expect(snapshot()).toEqual(before);
  });
});
