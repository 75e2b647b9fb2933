// GitHub Actions workflow commands: one `::error|warning|notice file=..,line=..,col=..,title=..::msg`
// line per finding, which the runner turns into annotations on the pull request's diff, then a
// plain summary line. An annotation carries the finding's help on a second line (`%0A`), as the
// text output's `= help:` line; a fixed finding needs none. Everything goes to one stream (stdout), like the JSON reporter, so a step
// needs no redirection. Escaping follows the runner's rules (as in @actions/core): in the message
// `%`, CR and LF are percent-encoded; in property values `:` and `,` are too, since they delimit
// the properties.

import type { Finding, InputError, PatchFinding, PatchRunResult, RunResult, Severity } from '../finding.js';
import { errorOrder, findingOrder } from '../result-order.js';
import { formatSummary } from './text.js';

export interface GithubOptions {
  /** Patch mode: also annotate findings the patch neither introduces nor fixes. */
  all?: boolean;
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

export function formatGithubReport(result: RunResult | PatchRunResult, options: GithubOptions = {}): string {
  const lines = 'patches' in result ? patchLines(result, options.all === true) : checkLines(result);
  return lines.map((line) => line + '\n').join('');
}

function checkLines(result: RunResult): string[] {
  return [
    ...[...result.findings].sort(findingOrder).map((f) => findingCommand(f, COMMAND[f.severity], withHelp(f))),
    ...errorCommands(result.errors),
    // Functions not fully analyzed are only counted, as the text footer does (a real tree has a
    // steady trickle of them; an annotation each would bury the findings).
    ...(result.incomplete.length > 0
      ? [`note: ${plural(result.incomplete.length, 'function')} not fully analyzed (--format text --verbose lists them)`]
      : []),
    formatSummary(result.summary, result.findings),
  ];
}

function patchLines(result: PatchRunResult, all: boolean): string[] {
  // What a reviewer acts on is what the patch introduces; a fix is good news, said as a notice.
  const shown = result.findings.filter((f) => f.status !== 'unchanged' || all).sort(findingOrder);
  const count = (status: PatchFinding['status']) => result.findings.filter((f) => f.status === status).length;
  return [
    ...shown.map((f) =>
      f.status === 'fixed' ? findingCommand(f, 'notice', `this patch resolves: ${f.message}`) : findingCommand(f, COMMAND[f.severity], withHelp(f)),
    ),
    ...errorCommands(result.errors),
    // The summary line of the patch text report.
    `${plural(result.patches.length, 'patch', 'es')}, ${plural(result.summary.files, 'file')}, ` +
      `${count('introduced')} introduced, ${count('fixed')} fixed in ${result.summary.durationMs} ms`,
  ];
}

/** The message, then `help: ...` on its own line (escaped to %0A with the rest). */
function withHelp(f: Finding): string {
  return f.help ? `${f.message}\nhelp: ${f.help}` : f.message;
}

function findingCommand(f: Finding, command: string, message: string): string {
  const properties = `file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(f.rule)}`;
  return `::${command} ${properties}::${escapeData(message)}`;
}

function errorCommands(errors: InputError[]): string[] {
  return [...errors].sort(errorOrder).map((e) => `::error file=${escapeProperty(e.file)}::${escapeData(e.message)}`);
}

function plural(n: number, word: string, suffix = 's'): string {
  return `${n} ${word}${n === 1 ? '' : suffix}`;
}

/** The message part of a workflow command. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=`, `title=`) of a workflow command. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
