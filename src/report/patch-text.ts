// Text for `ptelint patch`: per patch, a header line, then what it introduces (compiler style, as
// `check` prints) and what it fixes (as notes: "this patch resolves ..."), each pointing back into
// the mail so a reviewer can find the hunk.

import type { PatchFinding, PatchReport, PatchRunResult } from '../finding.js';
import { painter } from './color.js';
import { formatFinding } from './text.js';
import { findingOrder } from '../result-order.js';

export interface PatchTextOptions {
  color: boolean;
  /** Also print findings the patch neither introduces nor fixes. */
  all: boolean;
  sourceLine(finding: PatchFinding): string | undefined;
  /** Only findings: no header for a patch with nothing to show, no summary line. */
  quiet?: boolean;
}

const SOURCE_TEXT: Record<string, string> = {
  blob: 'pre-image: blob',
  'base-commit': 'pre-image: base-commit',
  series: 'pre-image: an earlier patch of the series',
  'new-file': 'new file',
  tree: 'pre-image: the tree',
  'tree-applied': 'already applied in the tree (previously applied): pre-image is the tree with the hunks reversed',
  hunks: 'rebuilt from the hunks alone',
};

/**
 * One line per file whose pre-image came from somewhere a reviewer should know of: a repository,
 * a tree that already holds the patch, or a fallback (with why the better sources failed).
 * A plain --tree run and a run from hunks alone print none.
 */
function sourceLines(p: PatchReport): string[] {
  const out: string[] = [];
  for (const s of p.sources ?? []) {
    if ((s.source === 'tree' || s.source === 'hunks') && s.skipped.length === 0) continue;
    const id = s.id !== undefined ? ` ${s.id.slice(0, 12)}` : '';
    out.push(`${s.file}: ${SOURCE_TEXT[s.source] ?? s.source}${id}`);
    for (const why of s.skipped) out.push(`  not used: ${why}`);
  }
  return out;
}

export function formatPatchText(result: PatchRunResult, options: PatchTextOptions): string {
  const paint = painter(options.color);
  const out: string[] = [];
  result.patches.forEach((p, i) => {
    const mine = result.findings.filter((f) => f.patch === i + 1);
    const shown = mine.filter((f) => options.all || (f.status !== 'unchanged' && f.status !== 'baseline')).sort(findingOrder);
    const unparsed = result.incomplete.filter((u) => u.patch === i + 1 && u.introduced);
    if (options.quiet && shown.length === 0 && unparsed.length === 0) return;
    const count = (s: string) => mine.filter((f) => f.status === s).length;
    const title = p.subject || p.input;
    out.push(
      `${paint(title, 'bold')} (${p.commit ? p.commit.slice(0, 12) : p.input}): ` +
        `${count('introduced')} introduced, ${count('fixed')} fixed, ${count('unchanged')} unchanged` +
        (count('baseline') ? `, ${count('baseline')} in the baseline` : '') +
        '\n',
    );
    for (const line of sourceLines(p)) out.push(`  ${line}\n`);
    for (const f of shown) {
      const shownFinding = f.status === 'fixed' ? { ...f, severity: 'note' as const, message: `this patch resolves: ${f.message}` } : f;
      const lines = formatFinding(shownFinding, () => options.sourceLine(f), paint);
      if (f.status === 'fixed') lines.splice(lines.length - (f.help ? 1 : 0), f.help ? 1 : 0);
      const where = [`status: ${f.status}${f.partial ? ', partial (function rebuilt from the hunks)' : ''}`];
      if (f.input) where.push(`in the patch: ${f.input.file}:${f.input.line}`);
      lines.push(`  = ${where.join('; ')}`);
      out.push(lines.join('\n') + '\n\n');
    }
    for (const u of unparsed) {
      out.push(
        `${u.file}:${u.line}: ${paint('warning', 'bold', 'yellow')}: function '${u.function}' does not parse after this patch (${u.reason}) ${paint('[incomplete]', 'dim')}\n` +
          `  = status: incomplete; its findings before the patch are not counted as fixed\n\n`,
      );
    }
  });
  if (options.quiet) return out.join('');
  const intro = result.findings.filter((f) => f.status === 'introduced').length;
  const fixed = result.findings.filter((f) => f.status === 'fixed').length;
  out.push(
    `${result.patches.length} patch${result.patches.length === 1 ? '' : 'es'}, ${result.summary.files} file${result.summary.files === 1 ? '' : 's'}, ` +
      `${intro} introduced, ${fixed} fixed` +
      (result.summary.inputErrors ? `, ${result.summary.inputErrors} unusable input${result.summary.inputErrors === 1 ? '' : 's'}` : '') +
      ` in ${result.summary.durationMs} ms\n`,
  );
  return out.join('');
}
