// The one table of output formats: for each `--format`, what `check` and what `patch` write, and
// to which stream. program.ts prepares the views (baseline applied, colours decided) and writes
// what the table returns, in order: the order of the writes matters when both streams go to one
// terminal or file (findings, then unusable inputs, then the summary).

import type { Finding, PatchRunResult, RunResult, Severity } from '../finding.js';
import type { Patch } from '../patch-types.js';
import { formatB4Report } from '../report/b4.js';
import { formatCheckpatchReport } from '../report/checkpatch.js';
import { formatGithubReport } from '../report/github.js';
import { formatJsonReport } from '../report/json.js';
import { formatPatchJsonReport } from '../report/patch-json.js';
import { formatPatchMail } from '../report/patch-mail.js';
import { formatPatchText } from '../report/patch-text.js';
import { formatPatchworkReport } from '../report/patchwork.js';
import { formatSarifReport, type RuleDescriptor } from '../report/sarif.js';
import { formatTextErrors, formatTextFindings, formatTextFooter, type SourceLineLookup } from '../report/text.js';
import type { OutputFormat } from './options.js';

export type Write = { to: 'stdout' | 'stderr'; text: string };

/** What every format may need, whichever the command. */
interface CommonView {
  rules: RuleDescriptor[];
  version: string;
  color: { stdout: boolean; stderr: boolean };
  all: boolean;
  quiet: boolean;
  failOn: Severity | 'never';
  /** --timing: the JSON summary also has the run's duration. */
  timing: boolean;
}

export interface CheckView extends CommonView {
  /** Every finding, baseline ones marked. */
  result: RunResult;
  /** Without the baseline's findings. */
  alerts: RunResult;
  verbose: boolean;
  /** Code frames (only for formats with `codeFrames`). */
  sourceLine: SourceLineLookup;
}

export interface PatchView extends CommonView {
  /** Every finding. */
  result: PatchRunResult;
  /** Without unchanged findings unless --all. */
  shown: PatchRunResult;
  /** `shown` without the baseline's findings: what becomes an alert. */
  alerts: PatchRunResult;
  /** Every finding but the baseline's: what gates. */
  gated: PatchRunResult;
  sourceLine(finding: Finding): string | undefined;
  patchOf(n: number): Patch | undefined;
}

interface FormatEntry {
  check?(v: CheckView): Write[];
  patch?(v: PatchView): Write[];
  /** The check output quotes source lines (program.ts loads them only then). */
  codeFrames?: boolean;
}

const out = (text: string): Write => ({ to: 'stdout', text });
const err = (text: string): Write => ({ to: 'stderr', text });
const errors = (v: CommonView & { result: RunResult }, color = v.color.stderr): Write => err(formatTextErrors(v.result.errors, { color }));

// In the order --help lists them.
export const FORMATS: Record<OutputFormat, FormatEntry> = {
  text: {
    codeFrames: true,
    check: (v) => [
      out(formatTextFindings(v.all ? v.result.findings : v.alerts.findings, { color: v.color.stdout, sourceLine: v.sourceLine })),
      errors(v),
      // The summary counts what is new; the baseline's findings are one number of their own.
      ...(v.quiet ? [] : [out(formatTextFooter({ ...v.alerts, summary: { ...v.alerts.summary, findings: v.alerts.findings.length } }, { color: v.color.stdout, verbose: v.verbose }))]),
    ],
    patch: (v) => [out(formatPatchText(v.result, { color: v.color.stdout, all: v.all, sourceLine: v.sourceLine, quiet: v.quiet })), errors(v)],
  },
  // Errors travel inside the JSON, the SARIF and the workflow commands: a script reading stdout
  // must not also have to parse stderr.
  json: {
    check: (v) => [out(formatJsonReport(v.result, { timing: v.timing }))],
    // Machine formats carry unchanged findings only with --all, as the text does; findings known to
    // the baseline stay in the JSON (with that status) but are not alerts or annotations.
    patch: (v) => [out(formatPatchJsonReport(v.shown, { timing: v.timing }))],
  },
  // Known findings are left out of SARIF: code scanning makes an alert of every result it gets,
  // and the point of a baseline is that they are not alerts.
  sarif: {
    check: (v) => [out(formatSarifReport(v.alerts, v.rules, v.version))],
    patch: (v) => [out(formatSarifReport(v.alerts, v.rules, v.version))],
  },
  github: {
    check: (v) => [out(formatGithubReport(v.alerts))],
    patch: (v) => [out(formatGithubReport(v.gated, { all: v.all }))],
  },
  mail: { patch: (v) => [out(formatPatchMail(v.gated, v.patchOf, { all: v.all, quiet: v.quiet })), errors(v)] },
  // b4 reads every stdout line as a finding and every stderr line as a failure: nothing else.
  checkpatch: { patch: (v) => [out(formatCheckpatchReport(v.gated)), errors(v, false)] },
  b4: { patch: (v) => [out(formatB4Report(v.gated, v.failOn))] },
  patchwork: { patch: (v) => [out(formatPatchworkReport(v.gated, v.failOn)), errors(v)] },
};

/** The formats of `check` and of `patch`, from the table. */
export const CHECK_FORMATS = formatsWith('check');
export const PATCH_FORMATS = formatsWith('patch');

function formatsWith(command: 'check' | 'patch'): OutputFormat[] {
  return (Object.keys(FORMATS) as OutputFormat[]).filter((f) => FORMATS[f][command] !== undefined);
}
