// Patch mode without a tree: a same-file helper whose batch policy the patch changes. The restore
// that depends on it (set_ptes() of a merged value, in try_to_unmap_one() or move_ptes()) sits in
// a caller the hunks do not show, so batch-merged-restore cannot judge it there; the change itself
// is in plain sight at the helper: folio_pte_batch_flags(.., FPB_RESPECT_WRITE) losing its flag
// (or gaining it, as the upstream lazyfree and mremap fixes did in folio_unmap_pte_batch() and
// mremap_folio_pte_batch()). Per rule that declares the bit it depends on (RuleMeta.helperPolicy):
// respected before and not after is introduced, at the helper's builder call; the reverse is fixed.

import { batchFlagNamed } from '../../analysis/kernel-api.js';
import { hunkFinding } from './patch-finding.js';
import type { PatchFinding } from '../../finding.js';
import type { SourceImage } from '../../input/images.js';
import type { FoundBatchPolicy } from './hunk-evidence.js';
import type { Rule } from '../define-rule.js';
import type { HunkInput } from './image-analysis.js';


const FLAG: Record<'write' | 'softDirty', string> = { write: batchFlagNamed('write', 'respect'), softDirty: batchFlagNamed('softDirty', 'respect') };

export function helperPolicyFindings(input: HunkInput): PatchFinding[] {
  const { pre, post } = input;
  if (!pre || !post || !pre.image.partial || !post.image.partial) return [];
  const out: PatchFinding[] = [];
  const before = new Map(pre.evidence.batchPolicies.map((p) => [p.function, p]));
  for (const after of post.evidence.batchPolicies) {
    const was = before.get(after.function);
    if (!was) continue;
    // Only a helper the patch changed: its builder call or the flags it passes.
    if (!changedNear(post.image, after.line) && !changedNear(pre.image, was.line)) continue;
    for (const rule of input.rules) {
      const check = rule.meta.helperPolicy;
      if (!check) continue;
      const respects = (p: FoundBatchPolicy) => (check.bit === 'write' ? p.respectsWrite : p.respectsSoftDirty);
      if (respects(was) === respects(after)) continue;
      const stopped = respects(was) && !respects(after);
      // Named by the post-image's builder call (what the helper does now), placed in the image the
      // finding belongs to.
      out.push(finding(input, rule, stopped ? after : was, after.builder, stopped ? 'introduced' : 'fixed', stopped ? post.image : pre.image, FLAG[check.bit]));
    }
  }
  return out;
}

/** A changed line of the image at or just around the builder call (its flags may be on the next lines). */
function changedNear(image: SourceImage, line: number): boolean {
  return image.changedLines.some((l) => l >= line - 1 && l <= line + 3);
}

function finding(input: HunkInput, rule: Rule, p: FoundBatchPolicy, builder: string, status: 'introduced' | 'fixed', image: SourceImage, flag: string): PatchFinding {
  const data = status === 'introduced'
    ? { helper: p.function, builder, change: 'that no longer respects', flag, effect: 'makes its read-only PTEs writable' }
    : { helper: p.function, builder, change: 'that now respects', flag, effect: 'keeps its read-only PTEs read-only' };
  return hunkFinding(input, {
    rule, fn: p.function, status, image, line: p.line,
    messageId: rule.meta.helperPolicy!.messageId,
    data,
    help: `pass ${flag} to ${builder}() again, or write-protect the merged value in every caller before it is restored`,
    identity: `helper-policy\0${flag}`,
  });
}
