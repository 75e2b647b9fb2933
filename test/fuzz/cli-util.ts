// Running the built CLI (dist/src/cli/main.js) the way CI does, and what every run must give.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO, 'dist/src/cli/main.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `asUser` runs it through setpriv as that uid/gid (the tests run as root, which reads anything). */
export function runCli(args: string[], opts: { input?: string | Buffer; asUser?: number; timeoutMs?: number; time?: boolean } = {}): CliRun & { peakKb?: number } {
  let cmd = process.execPath;
  let argv = [CLI, ...args];
  if (opts.asUser !== undefined) {
    argv = [`--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', cmd, ...argv];
    cmd = 'setpriv';
  }
  if (opts.time) {
    argv = ['-f', 'PEAK_KB=%M', cmd, ...argv];
    cmd = '/usr/bin/time';
  }
  const r = spawnSync(cmd, argv, { input: opts.input, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, maxBuffer: 512 * 1024 * 1024 });
  let stderr = r.stderr ?? '';
  let peakKb: number | undefined;
  const m = /PEAK_KB=(\d+)\s*$/.exec(stderr);
  if (m) {
    peakKb = Number(m[1]);
    stderr = stderr.slice(0, m.index);
  }
  return { status: r.status, stdout: r.stdout ?? '', stderr, peakKb };
}

/** Ended by itself with 0, 1 or 2, no stack trace; with --format json, stdout is one JSON document. */
export function expectWellBehaved(run: CliRun, json: boolean): unknown {
  expect(run.status, `stderr: ${run.stderr.slice(0, 2000)}`).not.toBeNull();
  expect([0, 1, 2]).toContain(run.status);
  expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(run.stderr).not.toMatch(/internal error/i);
  if (!json) return undefined;
  return JSON.parse(run.stdout) as unknown;
}

export const canSetpriv = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

/** A digest of everything under `dir` (names, kinds, sizes, contents, link targets, modes): equal before and after means nothing was written. */
export function treeDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      h.update(`${path.relative(dir, p)}\0${st.mode}\0${st.size}\0${st.mtimeMs}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 1 << 20) h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}
