// sparse's diagnostic shape for `ptelint kbuild`: `file:line:col: warning: message [rule-id]`, one
// line each, for make's log and the tools that read it (editors, 0-day style log scanners).
//
// Every finding is a `warning:`, whatever its ptelint severity: sparse says `error:` only when it
// cannot make sense of the code as C (a syntax or type error the compiler would also stop on), and
// log scanners count such lines as a broken build. ptelint never judges whether code compiles; its
// severities rank review findings, and the rule id in brackets says which. `error:` is kept for a
// file ptelint could not read at all, where the check itself failed.

import type { Incomplete, RunResult } from '../finding.js';
import { errorOrder, findingOrder, incompleteOrder } from '../result-order.js';

export function formatSparseReport(result: RunResult, options: { verbose: boolean }): string {
  const lines = [
    ...[...result.errors].sort(errorOrder).map((e) => `${e.file}: error: ${e.message}`),
    ...[...result.findings].sort(findingOrder).map((f) => `${f.file}:${f.line}:${f.column}: warning: ${f.message} [${f.rule}]`),
    ...(options.verbose ? [...result.incomplete].sort(incompleteOrder).map(incompleteLine) : []),
  ];
  return lines.map((l) => `${l}\n`).join('');
}

// Not in the `warning:` shape: a function ptelint could not parse is a limit of ptelint, not a
// problem of the code, and must not be counted as one by a log scanner.
function incompleteLine(i: Incomplete): string {
  return `ptelint: ${i.file}:${i.line}: ${i.function}() not fully analyzed: ${i.reason}`;
}
