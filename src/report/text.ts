// Compiler-style text output: `path:line:col: severity: message [rule-id]`, the prefix editors and
// CI log parsers already understand, then a code frame and a help line (docs/architecture.md, "Reporters").
// It imports only the finding types: source lines come through a callback, so this module never
// touches the file system and the same result always renders to the same bytes.

import type { Finding, Incomplete, InputError, RunResult, RunSummary, Severity } from '../finding.js';
import type { Paint, Style } from './color.js';
import { painter } from './color.js';
import { codeFrame } from './code-frame.js';
import { errorOrder, findingOrder, incompleteOrder } from '../result-order.js';

/** The text of 1-based `line` of `file` (a Finding's `file`), without its newline. */
export type SourceLineLookup = (file: string, line: number) => string | undefined;

export interface TextStyleOptions {
  color: boolean;
}

export interface TextFindingOptions extends TextStyleOptions {
  sourceLine: SourceLineLookup;
}

export interface TextFooterOptions extends TextStyleOptions {
  /** List every incomplete function instead of only counting them. */
  verbose: boolean;
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', note: 'cyan' };

// A run prints three parts, in this order: findings (stdout), units that could not be used
// (stderr), then incomplete functions and the summary (stdout). They are separate functions
// because the two streams are coloured, and redirected, independently.

/** Each finding with its code frame and help line, a blank line after each. */
export function formatTextFindings(findings: Finding[], options: TextFindingOptions): string {
  const paint = painter(options.color);
  return [...findings]
    .sort(findingOrder)
    .map((finding) => formatFinding(finding, options.sourceLine, paint).join('\n') + '\n\n')
    .join('');
}

/** Units that could not be used at all: `path: error: message`. */
export function formatTextErrors(errors: InputError[], options: TextStyleOptions): string {
  const paint = painter(options.color);
  return [...errors]
    .sort(errorOrder)
    .map((e) => `${e.file}: ${paint('error', 'bold', 'red')}: ${e.message}\n`)
    .join('');
}

/** Incomplete functions (a count unless verbose), then the one-line summary. */
export function formatTextFooter(result: RunResult, options: TextFooterOptions): string {
  const paint = painter(options.color);
  const lines = [...formatIncomplete(result.incomplete, options.verbose, paint), formatSummary(result.summary, result.findings)];
  return lines.join('\n') + '\n';
}

export function formatFinding(finding: Finding, sourceLine: SourceLineLookup, paint: Paint = painter(false)): string[] {
  const style = SEVERITY_STYLE[finding.severity];
  const lines = [
    `${finding.file}:${finding.line}:${finding.column}: ${paint(finding.severity, 'bold', style)}: ` +
      `${finding.message} ${paint(`[${finding.rule}]`, 'dim')}`,
  ];
  const source = sourceLine(finding.file, finding.line);
  if (source !== undefined) {
    lines.push(
      ...codeFrame(source, finding.line, finding.column, {
        gutter: (text) => paint(text, 'dim'),
        caret: (text) => paint(text, 'bold', style),
      }),
    );
  }
  if (finding.help !== '') lines.push(`  = ${paint('help', 'bold')}: ${finding.help}`);
  if (finding.baseline === true) lines.push(`  = status: baseline (known: its fingerprint is in the baseline file)`);
  return lines;
}

function formatIncomplete(incomplete: Incomplete[], verbose: boolean, paint: Paint): string[] {
  if (incomplete.length === 0) return [];
  const note = paint('note', 'bold', 'cyan');
  if (!verbose) {
    // Real trees have a steady trickle of functions the parser cannot fully handle; listing them
    // all on every run would bury the findings.
    return [`${note}: ${plural(incomplete.length, 'function')} not fully analyzed (--verbose lists them)`];
  }
  return [...incomplete]
    .sort(incompleteOrder)
    .map((i) => `${i.file}:${i.line}: ${note}: function '${i.function}' not fully analyzed: ${i.reason}`);
}

export function formatSummary(summary: RunSummary, findings: Finding[]): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  return (
    `${plural(summary.files, 'file')}, ${plural(summary.functions, 'function')}, ` +
    `${plural(summary.findings, 'finding')} (${plural(count('error'), 'error')}, ` +
    `${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')})` +
    (summary.baseline ? `, ${summary.baseline} in the baseline` : '') +
    (summary.inputErrors ? `, ${plural(summary.inputErrors, 'unusable input')}` : '') +
    ` in ${Math.round(summary.durationMs)} ms`
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
