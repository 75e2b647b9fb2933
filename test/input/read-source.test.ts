import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSource, readSourceBytes } from '../../src/input/read-source.js';

let root: string;

function file(name: string, content: string | Buffer) {
  const absolute = path.join(root, name);
  writeFileSync(absolute, content);
  return { display: `mm/${name}`, absolute };
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-read-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('readSource', () => {
  it('returns the text of a UTF-8 source', async () => {
    expect(await readSource(file('ok.c', '/* café */\nint x;\n'))).toEqual({ text: '/* café */\nint x;\n' });
    expect(await readSource(file('empty.c', ''))).toEqual({ text: '' });
  });

  it('refuses a binary file (NUL byte in the first 8 KiB), naming it', async () => {
    expect(await readSource(file('bin.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01])))).toEqual({
      error: { file: 'mm/bin.c', message: 'binary file (contains a NUL byte)' },
    });
  });

  it('looks for NUL only in the first 8 KiB, as git does', async () => {
    const late = Buffer.concat([Buffer.from('a'.repeat(9000)), Buffer.from([0])]);
    expect(await readSource(file('late-nul.c', late))).toHaveProperty('text');
  });

  it('refuses a file with a line longer than the limit, naming the line', async () => {
    const text = 'int x;\n' + 'y'.repeat(2048) + '\nint z;\n';
    expect(await readSource(file('long.c', text), { maxLineBytes: 1024 })).toEqual({
      error: { file: 'mm/long.c', message: 'line 2 is longer than 1 KiB' },
    });
    expect(await readSource(file('long-last.c', 'int x;\n' + 'y'.repeat(2048)), { maxLineBytes: 1024 })).toEqual({
      error: { file: 'mm/long-last.c', message: 'line 2 is longer than 1 KiB' },
    });
    expect(await readSource(file('short.c', text), { maxLineBytes: 4096 })).toHaveProperty('text');
  });

  it('refuses a file larger than the limit before reading it', async () => {
    expect(await readSource(file('big.c', 'x'.repeat(5000)), { maxFileBytes: 4096 })).toEqual({
      error: { file: 'mm/big.c', message: 'larger than 4 KiB' },
    });
    expect(await readSource(file('fits.c', 'x'.repeat(4096)), { maxFileBytes: 4096 })).toHaveProperty('text');
  });

  it('refuses invalid UTF-8 and says on which line', async () => {
    const bytes = Buffer.concat([Buffer.from('int x;\n/* '), Buffer.from([0xc3, 0x28]), Buffer.from(' */\n')]);
    expect(await readSource(file('latin.c', bytes))).toEqual({
      error: { file: 'mm/latin.c', message: 'not valid UTF-8 (first bad byte on line 2)' },
    });
  });

  it('reports an unreadable path instead of throwing', async () => {
    expect(await readSource({ display: 'mm/gone.c', absolute: path.join(root, 'gone.c') })).toEqual({
      error: { file: 'mm/gone.c', message: 'cannot read: no such file or directory' },
    });
    expect(await readSource({ display: 'mm', absolute: root })).toEqual({
      error: { file: 'mm', message: 'not a regular file' },
    });
  });

  it('does not block on a FIFO', async () => {
    const fifo = path.join(root, 'fifo.c');
    execFileSync('mkfifo', [fifo]);
    expect(await readSource({ display: 'mm/fifo.c', absolute: fifo })).toEqual({
      error: { file: 'mm/fifo.c', message: 'not a regular file' },
    });
  });
});

describe('readSourceBytes through a piece filter', () => {
  const MIB = 1024 * 1024;
  // The test looks for "needle" as the keyword prefilter looks for its keywords.
  const seen: number[] = [];
  const filter = {
    wants: (bytes: Buffer) => (seen.push(bytes.length), bytes.includes('needle')),
    overlap: 'needle'.length - 1,
  };
  // Lines of 63 letters: no NUL, no needle.
  const filler = (bytes: number) => Buffer.from(('x'.repeat(63) + '\n').repeat(Math.ceil(bytes / 64)).slice(0, bytes));

  it('rules out a large file no piece of which is wanted, without keeping it', () => {
    seen.length = 0;
    const big = file('big.h', filler(5 * MIB));
    expect(readSourceBytes(big, {}, filter)).toEqual({ unwanted: true });
    // In pieces of the read buffer (2 MiB), not whole.
    expect(Math.max(...seen)).toBeLessThanOrEqual(2 * MIB);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps it whole when what is looked for straddles two pieces', () => {
    const content = Buffer.concat([filler(2 * MIB - 3), Buffer.from('needle'), filler(MIB)]);
    const read = readSourceBytes(file('straddle.h', content), {}, filter);
    expect('bytes' in read && read.bytes.equals(content)).toBe(true);
  });

  it('refuses a large binary file as a file read whole is refused', () => {
    const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00]), filler(3 * MIB)]);
    expect(readSourceBytes(file('big-bin.c', binary), {}, filter)).toEqual({ error: { file: 'mm/big-bin.c', message: 'binary file (contains a NUL byte)' } });
  });

  it('reads a file smaller than the read buffer whole, wanted or not: the caller tests it', () => {
    const read = readSourceBytes(file('small.c', 'int x;\n'), {}, filter);
    expect('bytes' in read && read.bytes.toString()).toBe('int x;\n');
  });
});
