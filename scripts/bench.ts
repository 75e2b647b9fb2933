// `npm run bench`: how long the built CLI takes on real trees, and how much memory it needs.
// It runs the CLI as users do (a child process, JSON output) so the numbers include start-up,
// the tree walk and the reporters. It prints a table and asserts nothing: timings vary by machine.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectSourceFiles } from '../src/input/paths.js';

// dist/scripts/bench.js -> the repository root; shared/ is its sibling (as in CI).
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const KERNEL_SH = path.join(ROOT, '../shared/corpus/kernel.sh');
const GNU_TIME = '/usr/bin/time';

interface Target {
  name: string;
  path: string;
}

interface Row {
  target: string;
  jobs: string;
  files: number;
  bytes: number;
  functions?: number;
  findings?: number;
  wallMs: number;
  peakMiB?: number;
  status: string;
}

function corpusTree(...args: string[]): string {
  const run = spawnSync('bash', [KERNEL_SH, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`kernel.sh ${args.join(' ')} failed with status ${run.status}`);
  return run.stdout.trim();
}

async function sourceStats(target: string): Promise<{ files: number; bytes: number }> {
  const { files } = await collectSourceFiles([target]);
  let bytes = 0;
  for (const file of files) bytes += (await stat(file.absolute)).size;
  return { files: files.length, bytes };
}

interface ChildRun {
  status: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakKiB?: number;
}

/**
 * Runs the CLI once. Peak RSS comes from GNU time when the machine has it; otherwise the CLI is
 * started inside a node that reports its own process.resourceUsage().maxRSS on exit through fd 3.
 */
function runCli(args: string[]): Promise<ChildRun> {
  const useGnuTime = existsSync(GNU_TIME);
  const scratch = mkdtempSync(path.join(tmpdir(), 'ptelint-bench-'));
  const timeFile = path.join(scratch, 'rss');
  const [command, argv] = useGnuTime
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, process.execPath, CLI, ...args]]
    : [process.execPath, ['-e', RSS_REPORTER, '--', CLI, ...args]];
  const started = performance.now();
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let reported = '';
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdio[3]?.on('data', (chunk: Buffer) => (reported += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const wallMs = performance.now() - started;
      let peakKiB: number | undefined;
      try {
        const text = useGnuTime ? readFileSync(timeFile, 'utf8') : reported;
        // GNU time prints "Command exited with non-zero status N" before the number on failures.
        const last = text.trim().split('\n').pop();
        peakKiB = last && /^\d+$/.test(last) ? Number(last) : undefined;
      } catch {
        peakKiB = undefined;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ status, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), wallMs, peakKiB });
    });
  });
}

// Runs as `node -e RSS_REPORTER -- <cli> <args...>`: makes the CLI see its usual argv, and
// reports maxRSS (KiB) at exit, including the process.exit() the CLI ends with.
const RSS_REPORTER = `
const { pathToFileURL } = require('node:url');
const { writeSync } = require('node:fs');
const [cli, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], cli, ...args];
process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS) + '\\n'); } catch {} });
import(pathToFileURL(cli).href);
`;

async function measure(target: Target, jobs: number | undefined, stats: { files: number; bytes: number }): Promise<Row> {
  const args = ['check', target.path, '--format', 'json', ...(jobs === undefined ? [] : ['--jobs', String(jobs)])];
  const run = await runCli(args);
  const row: Row = {
    target: target.name,
    jobs: jobs === undefined ? 'default' : String(jobs),
    ...stats,
    wallMs: run.wallMs,
    peakMiB: run.peakKiB === undefined ? undefined : run.peakKiB / 1024,
    status: `exit ${run.status}`,
  };
  try {
    const report = JSON.parse(run.stdout) as { summary: { functions: number; findings: number } };
    row.functions = report.summary.functions;
    row.findings = report.summary.findings;
  } catch {
    const firstLine = run.stderr.trim().split('\n')[0] ?? '';
    row.status += ` (no JSON${firstLine ? `: ${firstLine.slice(0, 60)}` : ''})`;
  }
  return row;
}

function printTable(rows: Row[]): void {
  const header = ['target', 'jobs', 'files', 'MiB', 'functions', 'findings', 'wall s', 'peak MiB', 'status'];
  const cells = rows.map((r) => [
    r.target,
    r.jobs,
    String(r.files),
    (r.bytes / 1024 / 1024).toFixed(1),
    r.functions === undefined ? '-' : String(r.functions),
    r.findings === undefined ? '-' : String(r.findings),
    (r.wallMs / 1000).toFixed(2),
    r.peakMiB === undefined ? '-' : r.peakMiB.toFixed(0),
    r.status,
  ]);
  const table = [header, ...cells];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  // Numbers right-aligned so magnitudes line up; names and status left-aligned.
  const leftAligned = new Set([0, 1, 8]);
  for (const row of table) {
    console.log(row.map((cell, c) => (leftAligned.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const targets: Target[] = [
    { name: '6.12 mm/', path: path.join(corpusTree('6.12'), 'mm') },
    { name: '6.12 full', path: corpusTree('6.12', '--full') },
  ];
  const rows: Row[] = [];
  for (const target of targets) {
    const stats = await sourceStats(target.path);
    for (const jobs of [undefined, 2]) {
      const row = await measure(target, jobs, stats);
      rows.push(row);
      console.error(`bench: ${row.target} jobs=${row.jobs} done in ${(row.wallMs / 1000).toFixed(1)} s`);
    }
  }
  printTable(rows);
}

await main();
