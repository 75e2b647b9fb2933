// A finding of patch mode: a Finding (finding-factory.ts, the one place findings are made) with
// its status, whether its image was partial, its patch, and where its line is in the patch input.
// The checks made from hunks alone (hunk-carries.ts, hunk-facts.ts, helper-policy.ts) point at
// their line's first character, as a compiler does, and are fingerprinted by the rule, file,
// function and what the check says it is about.

import type { Finding, PatchFinding, PatchStatus } from '../../finding.js';
import type { SourceImage } from '../../input/images.js';
import { buildFinding } from '../finding-factory.js';
import type { Rule } from '../define-rule.js';
import type { HunkInput } from './image-analysis.js';

/** Which patch of the run a finding belongs to, and the name of its input. */
export interface PatchPlace {
  patch: number;
  inputName: string;
}

/** `f`, found in `image` (the pre-image for fixed findings, else the post-image), with its status. */
export function patchFinding(f: Finding, status: PatchStatus, image: SourceImage, place: PatchPlace): PatchFinding {
  const d: PatchFinding = { ...f, status, partial: image.partial, patch: place.patch };
  const line = image.inputLineOf(f.line);
  if (line !== undefined) d.input = { file: place.inputName, line };
  return d;
}

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
  const f = buildFinding({
    rule, messageId: spec.messageId, data: spec.data,
    help: status === 'introduced' ? spec.help : undefined,
    file: input.path, function: fn, line,
    column: (image.text.split('\n')[line - 1] ?? '').search(/\S|$/) + 1,
    identity: spec.identity,
  });
  return patchFinding(f, status, image, input);
}
