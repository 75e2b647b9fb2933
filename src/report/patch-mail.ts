// `ptelint patch --format mail`: the review as a reply to the patch, the way linux-mm reviewers
// answer on the list: the hunks that have something to say quoted with "> ", each finding written
// under the line it concerns, the hunks without findings elided as "[...]". Plain text, no colour.
// Each reply is a whole message that can be sent as it is (threaded on the patch's Message-ID,
// addressed to its author and recipients, see mail-message.ts); one reply per patch, as an mboxrd
// file when there are several. A patch with nothing new gets a short reply saying so, or none with
// `quiet`. Lines are quoted from the parsed patch (the same text the mail carried), so a finding
// lands under the exact line `input.line` names.

import type { PatchFinding, PatchRunResult } from '../finding.js';
import type { FilePatch, Hunk, Patch } from '../patch-types.js';
import { mboxrd, replyHeaders } from './mail-message.js';

export interface PatchMailOptions {
  /** Also write findings the patch neither introduces nor fixes. */
  all: boolean;
  /** No reply at all for a patch with nothing to report. */
  quiet?: boolean;
}

export function formatPatchMail(result: PatchRunResult, patchOf: (n: number) => Patch | undefined, options: PatchMailOptions): string {
  const messages: string[] = [];
  result.patches.forEach((report, i) => {
    const n = i + 1;
    const findings = result.findings.filter((f) => f.patch === n && (options.all || f.status !== 'unchanged'));
    if (findings.length === 0 && options.quiet) return;
    const patch = patchOf(n);
    const out = [...replyHeaders({ subject: report.subject || report.input, mail: patch?.mail }), ''];
    const name = report.subject ? `"${report.subject}"` : report.input;
    if (findings.length === 0) {
      out.push(`ptelint found nothing new in ${name}.`);
      messages.push(`${out.join('\n')}\n`);
      return;
    }
    const introduced = findings.filter((f) => f.status === 'introduced').length;
    const fixed = findings.filter((f) => f.status === 'fixed').length;
    out.push(`ptelint on ${name}: ${introduced} introduced, ${fixed} fixed.`, '');
    const placed = new Set<PatchFinding>();
    for (const file of patch?.files ?? []) {
      const path = file.newPath ?? file.oldPath ?? '?';
      const mine = findings.filter((f) => f.file === path || f.file.endsWith(`/${path}`));
      if (mine.length === 0) continue;
      out.push(...quoteFile(file, mine, placed));
    }
    // Findings on lines the hunks do not show (a caller of a changed helper, a tree's context).
    const rest = findings.filter((f) => !placed.has(f));
    if (rest.length) {
      out.push('Outside the quoted hunks:', '');
      for (const f of rest) out.push(`${f.file}:${f.line}: ${f.function}()`, ...comment(f), '');
    }
    messages.push(`${out.join('\n').replace(/\n+$/, '')}\n`);
  });
  if (messages.length <= 1) return messages[0] ?? '';
  return mboxrd(messages);
}

function quoteFile(file: FilePatch, findings: PatchFinding[], placed: Set<PatchFinding>): string[] {
  const out = [`> diff --git a/${file.oldPath ?? file.newPath} b/${file.newPath ?? file.oldPath}`];
  let elided = false;
  for (const hunk of file.hunks) {
    const here = findings.filter((f) => f.input && hunk.lines.some((l) => l.inputLine === f.input!.line));
    if (here.length === 0) {
      if (!elided) out.push('> [...]');
      elided = true;
      continue;
    }
    elided = false;
    out.push(`> ${header(hunk)}`);
    for (const line of hunk.lines) {
      out.push(`> ${line.kind}${line.text}`.replace(/\s+$/, ''));
      const under = here.filter((f) => f.input!.line === line.inputLine);
      for (const f of under) {
        out.push('', ...comment(f), '');
        placed.add(f);
      }
    }
  }
  out.push('');
  return out;
}

function header(h: Hunk): string {
  return `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${h.section ? ` ${h.section}` : ''}`;
}

/** One finding as a reviewer writes it: what is wrong, then how to fix it. */
function comment(f: PatchFinding): string[] {
  const what = f.status === 'fixed' ? 'fixed by this patch' : f.status === 'unchanged' ? `${f.severity}, not changed by this patch` : f.severity;
  const lines = [`ptelint [${f.rule}] ${what}: ${f.message}`];
  if (f.status !== 'fixed' && f.help) lines.push(`  help: ${f.help}`);
  if (f.partial && !f.message.includes('judged from the hunks')) lines.push('  (judged from the hunks alone; run with --tree for the whole function)');
  return lines;
}
