// The CLI driven in-process with a fake engine: what runCli hands the engine (CheckOptions) and
// what it prints for a given result, without reading any file. Shared by the CLI tests.

import { runCli } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/program.js';
import type { Rule } from '../../src/engine/define-rule.js';
import type { CheckOptions } from '../../src/engine/run-options.js';
import type { RunResult } from '../../src/finding.js';

export interface FakeRun {
  status: number;
  stdout: string;
  stderr: string;
  /** What each runCheck call was given. */
  options: CheckOptions[];
}

/**
 * Runs `argv` with `rules` as the rule set and `answer` as the engine's result for the options it
 * is called with; `over` replaces any other part of the I/O (streams, cwd, runPatch...).
 */
export async function runFakeCli(argv: string[], rules: Rule[], answer: (o: CheckOptions) => RunResult, over: Partial<CliIo> = {}): Promise<FakeRun> {
  let stdout = '';
  let stderr = '';
  const options: CheckOptions[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {},
    rules,
    version: '9.9.9',
    runCheck: async (o) => {
      options.push(o);
      return answer(o);
    },
    loadSourceLines: async () => () => undefined,
    ...over,
  };
  const status = await runCli(argv, io);
  return { status, stdout, stderr, options };
}
