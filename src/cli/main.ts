#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=30
// Entry point of the `ptelint` binary: wires the real engine, rules and streams into runCli.
// The Node options in the line above (scripts/bench.ts runs the binary with them) trade memory for
// time. A young generation of 8 MB semi-spaces, not V8's 16: 6.12 mm/ takes 1.05-1.16 s with it,
// 1.14-1.25 s with 2 MB, 1.09-1.24 s with 16; a whole 6.12 tree (--jobs 2) peaks at 198 MB, 175 MB
// and 235 MB. An old generation allowed to grow by 30% between full collections instead of V8's
// up to 4x: 198 MB against 231 MB on the whole tree, the same time.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listRules } from '../engine/registry.js';
import { EXIT_USAGE } from './exit-code.js';
import { runCli } from './program.js';

// `ptelint check . | head` closes the pipe early; that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // Each command loads only its engine: `check` never loads the mail reader (postal-mime) and
    // the patch images, `patch` never loads the directory walker and the worker pool.
    runCheck: async (options) => (await import('../engine/run.js')).runCheck(options),
    runPatch: async (options) => (await import('../engine/run-patch.js')).runPatch(options),
    rules: listRules(),
    version: packageVersion(),
  });
} catch (error) {
  process.stderr.write(`ptelint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT_USAGE;
}
// Exit explicitly once the output is flushed: a worker or handle the engine forgot to release
// must not keep a finished run alive.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));

/** The version in package.json, found by walking up (dist/src/cli/ when built, src/cli/ from source). */
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ptelint' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
