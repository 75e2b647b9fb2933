// `check --cache`: a run served from the cache prints the same bytes as a cold run, and a file that
// changed is analysed again (and only it).

import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { defaultCacheDir } from '../../src/engine/result-cache.js';
import { formatJsonReport } from '../../src/report/json.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let scratch: string;
let tree: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'ptelint-cache-'));
  tree = path.join(scratch, 'tree');
  // The rules' fixtures: files with findings, files without, in several directories.
  cpSync(path.join(ROOT, 'fixtures'), tree, { recursive: true });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const report = (r: Awaited<ReturnType<typeof runCheck>>) => formatJsonReport(r);

describe('check --cache', () => {
  it('gives a cached run the bytes of a cold one, and re-analyses only a changed file', async () => {
    const cache = { dir: path.join(scratch, 'cache'), version: 'test' };
    const cold = await runCheck({ paths: [tree] });
    expect(cold.findings.length).toBeGreaterThan(5);

    const first = await runCheck({ paths: [tree], cache });
    expect(report(first)).toBe(report(cold));
    expect(first.cache?.hits).toBe(0);
    const analysed = first.cache?.misses ?? 0;
    expect(analysed).toBeGreaterThan(5);

    const second = await runCheck({ paths: [tree], cache });
    expect(report(second)).toBe(report(cold));
    expect(second.cache).toEqual({ hits: analysed, misses: 0 });

    // Two lines more at the top of a file with a finding: its findings move, the others stay.
    const changed = cold.findings[0].file;
    writeFileSync(changed, '/* moved */\n\n' + readFileSync(changed, 'utf8'));
    const coldChanged = await runCheck({ paths: [tree] });
    expect(report(coldChanged)).not.toBe(report(cold));
    const third = await runCheck({ paths: [tree], cache });
    expect(report(third)).toBe(report(coldChanged));
    expect(third.cache).toEqual({ hits: analysed - 1, misses: 1 });
  });

  it('keys entries by version and options: another rule set or version misses', async () => {
    const dir = path.join(scratch, 'cache2');
    const first = await runCheck({ paths: [tree], cache: { dir, version: 'a' } });
    const other = await runCheck({ paths: [tree], cache: { dir, version: 'b' } });
    expect(other.cache).toEqual({ hits: 0, misses: first.cache?.misses });
    const fewer = await runCheck({ paths: [tree], cache: { dir, version: 'b' }, disable: ['uffd-wp-propagate'] });
    expect(fewer.cache?.hits).toBe(0);
    expect(readdirSync(dir)).toEqual(['check-results.json']);
  });

  it('metadata strategy: an unchanged file, keyword or not, is served by its stamp; a rewrite with the old size and mtime is not', async () => {
    const own = path.join(scratch, 'tree-metadata');
    cpSync(path.join(ROOT, 'fixtures'), own, { recursive: true });
    const cache = { dir: path.join(scratch, 'cache-metadata'), version: 'test', strategy: 'metadata' as const };
    const cold = await runCheck({ paths: [own] });
    const files = cold.summary.files;

    const first = await runCheck({ paths: [own], cache });
    expect(report(first)).toBe(report(cold));
    expect(first.cache).toEqual({ hits: 0, misses: files });
    // Every file is kept, not only those the prefilter lets through: none of them is read again.
    const cacheFile = path.join(cache.dir, 'check-results.json');
    const written = statSync(cacheFile).ino;
    const second = await runCheck({ paths: [own], cache });
    expect(report(second)).toBe(report(cold));
    expect(second.cache).toEqual({ hits: files, misses: 0 });
    // All of it from the cache, nothing else in it: the file is left as it is (a rewrite renames a new one over it).
    expect(statSync(cacheFile).ino).toBe(written);

    // Same size, same mtime, other bytes, saved as editors do (a new file renamed over the old):
    // the inode tells (and the change time, where the file system's clock is fine enough).
    const changed = cold.findings[0].file;
    const before = statSync(changed);
    const text = readFileSync(changed, 'utf8');
    writeFileSync(`${changed}.new`, text.replace('/*', '//'));
    utimesSync(`${changed}.new`, before.atime, before.mtime);
    renameSync(`${changed}.new`, changed);
    expect(statSync(changed).size).toBe(before.size);
    const third = await runCheck({ paths: [own], cache });
    expect(third.cache).toEqual({ hits: files - 1, misses: 1 });
    expect(statSync(cacheFile).ino).not.toBe(written);
    expect(report(third)).toBe(report(await runCheck({ paths: [own] })));
  });

  it('defaults to node_modules/.cache/ptelint, else the user cache directory, never the current directory', () => {
    expect(defaultCacheDir(ROOT, {})).toBe(path.join(ROOT, 'node_modules', '.cache', 'ptelint'));
    expect(defaultCacheDir(tree, { XDG_CACHE_HOME: '/var/cache/u' })).toBe('/var/cache/u/ptelint');
  });
});
