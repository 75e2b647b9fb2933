// `ptelint patch --format patchwork`: per patch, the body of Patchwork's
// `POST /api/patches/{id}/checks/` (patchwork/api/check.py, CheckSerializer; the CheckCreate schema
// of docs/api/schemas/latest/patchwork.yaml): state pending|success|warning|fail, context a slug,
// description free text, target_url a URL or ''. Beside it the patch's Message-ID without its
// angle brackets, the form `GET /api/patches/?msgid=` takes, so a list bot can find the patch id.

import type { PatchRunResult, Severity } from '../finding.js';
import type { PatchVerdict, Verdict } from './patch-verdict.js';
import { oneLine, patchVerdicts } from './patch-verdict.js';

export interface PatchworkCheck {
  state: 'success' | 'warning' | 'fail';
  context: string;
  description: string;
  target_url: string;
}

export interface PatchworkEntry {
  /** null for a patch that did not come as a mail with a Message-ID (a bare diff, a commit). */
  message_id: string | null;
  subject: string;
  check: PatchworkCheck;
}

export const PATCHWORK_CONTEXT = 'ptelint';
/** Patchwork shows the description in a table cell; kept to one short line. */
export const DESCRIPTION_MAX = 255;

const STATE: Record<Verdict, PatchworkCheck['state']> = { pass: 'success', warn: 'warning', fail: 'fail' };

export function formatPatchworkReport(result: PatchRunResult, failOn: Severity | 'never'): string {
  return JSON.stringify(patchVerdicts(result, failOn).map(entry), null, 2) + '\n';
}

function entry(v: PatchVerdict): PatchworkEntry {
  // A patch ptelint could only partly analyze is not a success.
  const state = v.verdict === 'pass' && v.errors.length > 0 ? 'warning' : STATE[v.verdict];
  return {
    message_id: v.report.messageId ? bareMessageId(v.report.messageId) : null,
    subject: v.report.subject,
    check: { state, context: PATCHWORK_CONTEXT, description: description(v), target_url: '' },
  };
}

function description(v: PatchVerdict): string {
  const head = v.errors.length > 0 ? `${v.summary}; not fully analyzed: ${oneLine(v.errors[0].message)}` : v.summary;
  const where = v.introduced.map((f) => `${f.file}:${f.line} ${f.rule}`);
  return truncate(where.length ? `${head}: ${where.join('; ')}` : head, DESCRIPTION_MAX);
}

/** `<id@host>` -> `id@host`. */
export function bareMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

/** At most `max` UTF-16 units, cut at a code point boundary, an ellipsis marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[cut - 1])) cut--;
  return text.slice(0, cut) + '…';
}
