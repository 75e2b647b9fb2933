// Reads one source file into a string, or says why it cannot be used. Every refusal is an
// InputError for that file alone: the run goes on with the others (docs/architecture.md, "Errors").

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import type { InputError } from '../finding.js';
import type { SourceFile } from './paths.js';
import { describeFsError } from './fs-error.js';

export interface SourceLimits {
  /** Larger files are refused before they are read: the biggest file in a kernel tree is a few MiB. */
  maxFileBytes: number;
  /** Generated tables and minified blobs have huge lines that make parsing crawl; no hand-written C does. */
  maxLineBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: SourceLimits = { maxFileBytes: 32 * MIB, maxLineBytes: 1 * MIB };

// Git's heuristic for "binary": a NUL byte near the start.
const BINARY_SNIFF_BYTES = 8 * 1024;

export type ReadSourceResult = { text: string } | { error: InputError };
/** `unwanted`: a file the caller's PieceFilter ruled out, read piece by piece and not kept. */
export type ReadBytesResult = { bytes: Buffer } | { error: InputError } | { unwanted: true };

/**
 * A test that may rule a file out from its bytes alone (check's keyword prefilter). A file larger
 * than the read buffer is then read through it piece by piece instead of whole, and kept only if
 * some piece is wanted: the 51 files of a whole 6.12 tree over 2 MiB (352 MB, generated register
 * headers) hold no keyword, and reading each whole into memory of its own took 100 MB of each
 * thread's peak memory.
 */
export interface PieceFilter {
  /** Whether these bytes may be wanted. */
  wants(bytes: Buffer): boolean;
  /** Bytes of one piece given again in front of the next, so that what `wants` looks for may straddle two. */
  overlap: number;
}

export async function readSource(
  file: SourceFile,
  limits: Partial<SourceLimits> = {},
): Promise<ReadSourceResult> {
  const { maxFileBytes, maxLineBytes } = { ...DEFAULT_LIMITS, ...limits };
  let bytes: Buffer | 'too-large' | 'not-regular';
  try {
    bytes = await readAtMost(file.absolute, maxFileBytes);
  } catch (error) {
    return refuse(file, `cannot read: ${describeFsError(error)}`);
  }
  const read = checkRead(file, bytes, maxFileBytes);
  return 'error' in read ? read : decodeSource(file, read.bytes, { maxLineBytes });
}

/**
 * The first half of readSource, synchronous (the --jobs workers read inside their own thread):
 * the file's bytes, refused when it is not a regular file, too large or binary. A scan of a whole
 * tree calls decodeSource only for the files its keyword prefilter keeps. The bytes are only
 * valid until the next call on the same thread: decode or hash them at once.
 */
export function readSourceBytes(file: SourceFile, limits: Partial<SourceLimits> = {}, filter?: PieceFilter): ReadBytesResult {
  const { maxFileBytes } = { ...DEFAULT_LIMITS, ...limits };
  let bytes: Buffer | 'too-large' | 'not-regular' | 'unwanted';
  try {
    bytes = readAtMostSync(file.absolute, maxFileBytes, filter);
  } catch (error) {
    return refuse(file, `cannot read: ${describeFsError(error)}`);
  }
  return bytes === 'unwanted' ? { unwanted: true } : checkRead(file, bytes, maxFileBytes);
}

/** Bytes already in memory (standard input, `ptelint check -`): the refusals of a file on disk. */
export function checkSourceBytes(file: SourceFile, bytes: Buffer, limits: Partial<SourceLimits> = {}): ReadBytesResult {
  const { maxFileBytes } = { ...DEFAULT_LIMITS, ...limits };
  return checkRead(file, bytes.length > maxFileBytes ? 'too-large' : bytes, maxFileBytes);
}

/** The second half: the bytes as text, refused for a line longer than the limit or invalid UTF-8. */
export function decodeSource(file: SourceFile, bytes: Buffer, limits: Partial<SourceLimits> = {}): ReadSourceResult {
  const { maxLineBytes } = { ...DEFAULT_LIMITS, ...limits };
  const longLine = findLongLine(bytes, maxLineBytes);
  if (longLine !== undefined) return refuse(file, `line ${longLine} is longer than ${formatBytes(maxLineBytes)}`);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return refuse(file, `not valid UTF-8 (first bad byte on line ${firstInvalidUtf8Line(bytes)})`);
  }
}

function refuse(file: SourceFile, message: string): { error: InputError } {
  return { error: { file: file.display, message } };
}

function checkRead(file: SourceFile, bytes: Buffer | 'too-large' | 'not-regular', maxFileBytes: number): { bytes: Buffer } | { error: InputError } {
  if (bytes === 'not-regular') return refuse(file, 'not a regular file');
  if (bytes === 'too-large') return refuse(file, `larger than ${formatBytes(maxFileBytes)}`);
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return refuse(file, 'binary file (contains a NUL byte)');
  return { bytes };
}

// One read buffer per thread, reused from file to file: a tree scan reads 1.34 GB in 60,000 files
// and keeps almost none of it, so allocating each file anew only fed the garbage collector. It
// grows to at most SCRATCH_MAX_BYTES: the few larger files (generated register headers of 10 to
// 30 MiB) get a buffer of their own, which the collector takes back, instead of leaving a 32 MiB
// scratch buffer in every thread for the rest of the run.
const SCRATCH_MAX_BYTES = 2 * MIB;
let scratch = Buffer.allocUnsafeSlow(256 * 1024);

/**
 * readAtMost without the event loop: open, fstat, read, close on the calling thread. The bytes
 * are a view of the thread's read buffer, valid until the next call.
 */
function readAtMostSync(absolute: string, limit: number, filter?: PieceFilter): Buffer | 'too-large' | 'not-regular' | 'unwanted' {
  const fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return 'not-regular';
    if (info.size > limit) return 'too-large';
    if (filter && info.size >= SCRATCH_MAX_BYTES) {
      const piecewise = readThroughFilter(fd, limit, filter);
      if (piecewise !== 'wanted') return piecewise;
    }
    // One byte more than expected, so that reaching EOF is seen in the common case with one read.
    let buffer = bufferFor(info.size + 1, limit);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        if (filled > limit) return 'too-large';
        const grown = bufferFor(buffer.length * 2, limit);
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled > limit ? 'too-large' : buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the file in pieces of the scratch buffer, each after the last `filter.overlap` bytes of
 * the one before: 'wanted' as soon as the filter wants one (the caller reads the file whole),
 * else 'unwanted' at its end. The first piece is returned as the file's bytes when its start holds
 * a NUL, so that the file is refused as binary as when read whole.
 */
function readThroughFilter(fd: number, limit: number, filter: PieceFilter): Buffer | 'too-large' | 'wanted' | 'unwanted' {
  if (scratch.length < SCRATCH_MAX_BYTES) scratch = Buffer.allocUnsafeSlow(SCRATCH_MAX_BYTES);
  let carried = 0;
  let position = 0;
  for (;;) {
    const bytesRead = readSync(fd, scratch, carried, scratch.length - carried, position);
    if (bytesRead === 0) return 'unwanted';
    if (position === 0 && scratch.subarray(0, Math.min(bytesRead, BINARY_SNIFF_BYTES)).includes(0)) return scratch.subarray(0, bytesRead);
    position += bytesRead;
    if (position > limit) return 'too-large';
    const piece = scratch.subarray(0, carried + bytesRead);
    if (filter.wants(piece)) return 'wanted';
    carried = Math.min(filter.overlap, piece.length);
    scratch.copyWithin(0, piece.length - carried, piece.length);
  }
}

/** A buffer of at least `wanted` bytes (at most limit + 1): the scratch buffer unless that would grow past SCRATCH_MAX_BYTES. */
function bufferFor(wanted: number, limit: number): Buffer {
  if (wanted <= scratch.length) return scratch;
  const size = Math.min(Math.max(wanted, scratch.length * 2), limit + 1);
  if (size > SCRATCH_MAX_BYTES) return Buffer.allocUnsafeSlow(size);
  scratch = Buffer.allocUnsafeSlow(size);
  return scratch;
}

/**
 * The file's bytes, unless it is not a regular file or holds more than `limit`. The size is
 * checked before anything is read, and again while reading, because a file may grow meanwhile.
 */
async function readAtMost(absolute: string, limit: number): Promise<Buffer | 'too-large' | 'not-regular'> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait forever for a writer.
  const handle = await open(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) return 'not-regular';
    if (info.size > limit) return 'too-large';
    return (await readBounded(handle, info.size, limit)) ?? 'too-large';
  } finally {
    await handle.close();
  }
}

async function readBounded(handle: FileHandle, expected: number, limit: number): Promise<Buffer | undefined> {
  // One byte more than expected, so that reaching EOF is seen in the common case with one read.
  let buffer = Buffer.allocUnsafe(expected + 1);
  let filled = 0;
  for (;;) {
    if (filled === buffer.length) {
      if (filled > limit) return undefined;
      const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
      buffer.copy(grown, 0, 0, filled);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled > limit ? undefined : buffer.subarray(0, filled);
}

/** 1-based number of the first line longer than `limit` bytes, if any. */
function findLongLine(bytes: Buffer, limit: number): number | undefined {
  if (bytes.length <= limit) return undefined;
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (end - start > limit) return line;
    start = end + 1;
    line++;
  }
  return undefined;
}

// Only run after decoding failed, so its cost does not matter; it exists so the user can find
// the bad byte. A UTF-8 sequence never contains 0x0a, so checking line by line is exact.
function firstInvalidUtf8Line(bytes: Buffer): number {
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (!isUtf8(bytes.subarray(start, end))) return line;
    start = end + 1;
    line++;
  }
  return line;
}

function formatBytes(n: number): string {
  if (n >= MIB && n % MIB === 0) return `${n / MIB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
