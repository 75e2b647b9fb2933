// Which of the collected files this run analyzes: a `.ptelint.json` ignore list and a CI shard
// (`--shard I/N`) both narrow the list here, once, before the files are dealt out to workers.

import type { SourceFile } from './paths.js';

export interface Shard {
  /** 1-based, as CI matrices count: --shard 1/4 .. 4/4. */
  index: number;
  count: number;
}

export interface FileSelection {
  /** True for files to leave out (absolute path in). */
  ignored?: (absolute: string) => boolean;
  shard?: Shard;
}

/**
 * A file's shard depends on its own path only (FNV-1a of the UTF-8 display path), not on which
 * other files exist: adding a file to the tree moves no other file to another shard, so each
 * shard's SARIF category keeps its alerts. Every machine of a matrix runs the same command, so the
 * display paths, and the assignment, are the same on all of them.
 */
export function shardOf(display: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(display, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

export function selectFiles(files: SourceFile[], selection: FileSelection): SourceFile[] {
  const { ignored, shard } = selection;
  return files.filter((f) => !(ignored && ignored(f.absolute)) && !(shard && shardOf(f.display, shard.count) !== shard.index));
}
