// Patch mode without a tree: the carries a hunk removes and adds (many relevant changes
// are one-line deletions, such as a lost *_mkuffd_wp). The full analyses need the old entry's
// read and the new entry's construction, which a 3-line hunk context rarely shows; the deletion of
// `if (pte_swp_uffd_wp(old)) pte = pte_mkuffd_wp(pte);` itself is in plain sight. Per function and
// per carry kind a rule guards (RuleMeta.hunkCarry): carries removed and none added is reported
// introduced, at the post-image line where they were; carries added where the pre-image had none
// is reported fixed. A carry moved or respelled inside the function (removed and added) is not.

import { hunkFinding } from './patch-finding.js';
import type { PatchFinding } from '../../finding.js';
import type { SourceImage } from '../../input/images.js';
import type { FoundCarry } from './hunk-evidence.js';
import { codeLineNear, nearestChanged, type AnalysedImage, type HunkInput } from './image-analysis.js';
import type { Rule } from '../define-rule.js';

export function hunkCarryFindings(input: HunkInput): PatchFinding[] {
  const { pre, post } = input;
  if (!pre || !post || !pre.image.partial || !post.image.partial) return [];
  const out: PatchFinding[] = [];
  const removed = onChangedLines(pre.evidence.carries, pre.image);
  const added = onChangedLines(post.evidence.carries, post.image);
  const postRanges = post.sliced.ranges;
  const preRanges = pre.sliced.ranges;
  for (const rule of input.rules) {
    const check = rule.meta.hunkCarry;
    if (!check) continue;
    const functions = new Set([...removed, ...added].filter((c) => c.kind === check.kind).map((c) => c.function));
    for (const fn of functions) {
      // A function new to the patch (or gone from it) was not fixed (broken) by it.
      if (!preRanges.has(fn) || !postRanges.has(fn)) continue;
      const gone = removed.filter((c) => c.kind === check.kind && c.function === fn);
      const come = added.filter((c) => c.kind === check.kind && c.function === fn);
      // Counted over the whole visible function: a carry respelled, moved, or left in another arm
      // of the function does not count as lost; fewer carries after the patch than before does.
      const before = pre.evidence.carries.filter((c) => c.kind === check.kind && c.function === fn).length;
      const after = post.evidence.carries.filter((c) => c.kind === check.kind && c.function === fn).length;
      if (gone.length > 0 && after < before && !gone.every((c) => movedIntoHelper(c, fn, post))) {
        // Where the deletion was: the post-image's changed line of this function nearest to it.
        const at = nearestChanged(post.image, postRanges.get(fn), gone[0].line - (preRanges.get(fn)?.start ?? 0) + (postRanges.get(fn)?.start ?? 0));
        const line = at === undefined ? undefined : codeLineNear(post.image, at);
        if (line !== undefined) out.push(finding(input, rule, fn, gone[0], 'introduced', post.image, line));
      } else if (come.length > 0 && after > before) {
        const line = come[0].line - (postRanges.get(fn)?.start ?? 0) + (preRanges.get(fn)?.start ?? 0);
        out.push(finding(input, rule, fn, come[0], 'fixed', pre.image, line));
      }
    }
  }
  return out;
}

/**
 * A carry moved into a same-file helper the post-image shows (one the patch adds or rewrites: its
 * lines are in the hunks) and that the function calls is not lost. Matched per entry kind: the
 * helper must apply the same setter under a test of the same spelling (`pte_swp_uffd_wp` ->
 * `pte_mkuffd_wp`), so a helper that carries the bit for present entries only does not cover the
 * swap path.
 */
function movedIntoHelper(carry: FoundCarry, fn: string, post: AnalysedImage): boolean {
  const body = post.sliced.functions.find((f) => f.name === fn)?.text ?? '';
  const tests = bitTestsIn(carry.guard);
  return post.evidence.carries.some((k) => k.function !== fn && k.kind === carry.kind && k.call === carry.call &&
    new RegExp(`\\b${k.function}\\s*\\(`).test(body) &&
    bitTestsIn(k.guard).some((t) => tests.includes(t)));
}

/** The bit tests a carry's guard text names (`pte_swp_uffd_wp`, `huge_pte_uffd_wp`, `vmf_orig_pte_uffd_wp`). */
function bitTestsIn(guard: string): string[] {
  return [...guard.matchAll(/\b(\w*(?:uffd_wp|soft_dirty)\w*)\s*\(/g)].map((m) => m[1]);
}

function onChangedLines(carries: FoundCarry[], image: SourceImage): FoundCarry[] {
  const changed = new Set(image.changedLines);
  return carries.filter((c) => changed.has(c.line));
}

function finding(input: HunkInput, rule: Rule, fn: string, carry: FoundCarry, status: 'introduced' | 'fixed', image: SourceImage, line: number): PatchFinding {
  return hunkFinding(input, {
    rule, fn, status, image, line,
    messageId: rule.meta.hunkCarry!.messageId,
    data: { call: carry.call, guard: carry.guard || 'no condition' },
    help: `keep ${carry.call}()${carry.guard ? ` under ${carry.guard}` : ''} on every path that needs it, or run with --tree to check the function whole`,
    identity: `hunk-carry\0${carry.statement}`,
  });
}
