// The files a run keeps: `.ptelint.json` ignore globs (relative to the config file's directory)
// and --shard I/N (each file in exactly one shard); and the natural order errors are printed in.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ignoreMatcher } from '../../src/config/config-file.js';
import { selectFiles, shardOf } from '../../src/input/select-files.js';
import { naturalCompare } from '../../src/result-order.js';

const root = path.resolve('/srv/linux');
const files = ['mm/rmap.c', 'mm/kasan/common.c', 'mm/kasan/report.c', 'include/linux/mm.h', 'arch/x86/mm/pgtable.c', 'mm/.hidden/x.c'].map((rel) => ({
  display: `linux/${rel}`,
  absolute: path.join(root, rel),
}));

describe('ignore globs', () => {
  it('match paths relative to the config directory, with ** and dot files', () => {
    const ignored = ignoreMatcher({ dir: root, ignore: ['mm/kasan/**', '**/*.h', 'mm/.hidden/*'] })!;
    expect(selectFiles(files, { ignored }).map((f) => f.display)).toEqual(['linux/mm/rmap.c', 'linux/arch/x86/mm/pgtable.c']);
  });

  it('no globs, no matcher; a file outside the directory matches nothing relative', () => {
    expect(ignoreMatcher({ dir: root, ignore: [] })).toBeUndefined();
    expect(ignoreMatcher({ dir: root, ignore: ['mm/**'] })!(path.resolve('/elsewhere/mm/x.c'))).toBe(false);
  });
});

describe('shards', () => {
  it('partition the files: each in exactly one shard, whatever N', () => {
    for (const count of [1, 2, 3, 7]) {
      const seen = new Map<string, number>();
      for (let index = 1; index <= count; index++) {
        for (const f of selectFiles(files, { shard: { index, count } })) seen.set(f.display, (seen.get(f.display) ?? 0) + 1);
      }
      expect([...seen.keys()].sort()).toEqual(files.map((f) => f.display).sort());
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it('a file keeps its shard when other files come and go', () => {
    const before = shardOf('linux/mm/rmap.c', 4);
    expect(selectFiles(files.slice(0, 1), { shard: { index: before, count: 4 } }).map((f) => f.display)).toEqual(['linux/mm/rmap.c']);
  });
});

describe('natural order', () => {
  it('compares digit runs as numbers', () => {
    const names = ['file10.c', 'file9.c', 'file1.c', 'line 10: x', 'line 9: x', 'file09.c', 'hunk 2', 'hunk 10', 'a'];
    expect([...names].sort(naturalCompare)).toEqual(['a', 'file1.c', 'file09.c', 'file9.c', 'file10.c', 'hunk 2', 'hunk 10', 'line 9: x', 'line 10: x']);
    expect(naturalCompare('x99999999999999999999', 'x100000000000000000000')).toBeLessThan(0);
  });
});
