// The finding of a check made from hunks alone (hunk-carries.ts, hunk-facts.ts, helper-policy.ts):
// partial, at a line of one image, pointed at that line's first character as a compiler does, and
// fingerprinted by the rule, file, function and what the check says it is about.

import type { PatchFinding } from '../finding.js';
import type { SourceImage } from '../input/images.js';
import { fillPlaceholders } from './message-template.js';
import { fingerprintOf } from './fingerprint.js';
import type { Rule } from './define-rule.js';
import type { HunkInput } from './hunk-carries.js';

export interface HunkFindingSpec {
  rule: Rule;
  fn: string;
  status: 'introduced' | 'fixed';
  /** The image the line is in (the post-image for introduced findings, the pre-image for fixed). */
  image: SourceImage;
  line: number;
  messageId: string;
  data: Record<string, string>;
  /** The help of an introduced finding; a fixed one gets the rule's fix. */
  help: string;
  /** What the finding is about besides rule, file and function (the check's name and its subject). */
  identity: string;
}

export function hunkFinding(input: HunkInput, spec: HunkFindingSpec): PatchFinding {
  const { rule, fn, status, image, line } = spec;
  const template = (rule.meta.messages as Record<string, string>)[spec.messageId];
  const f: PatchFinding = {
    rule: rule.meta.id,
    severity: rule.meta.severity,
    file: input.path,
    line,
    column: (image.text.split('\n')[line - 1] ?? '').search(/\S|$/) + 1,
    function: fn,
    message: fillPlaceholders(template, spec.data),
    help: status === 'introduced' ? spec.help : rule.meta.docs.fix,
    fingerprint: fingerprintOf(`${rule.meta.id}\0${input.path}\0${fn}\0${spec.identity}`),
    status,
    partial: true,
    patch: input.patch,
  };
  const inputLine = image.inputLineOf(line);
  if (inputLine !== undefined) f.input = { file: input.inputName, line: inputLine };
  return f;
}
