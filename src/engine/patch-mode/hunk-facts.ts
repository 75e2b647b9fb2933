// Patch mode without a tree: what the patch itself proves about the unseen context. The pre- and
// post-image of a function share every line the patch does not show, so a fact the pre-image
// establishes on the patch's own lines (a swap accessor applied to `x`, a guard that admits
// readable-exclusive entries, a predicate's way to false on uffd-wp, a write-protect before a
// restore) and that the post-image no longer has is a change the patch made, whatever the rest
// holds. Unknown context never yields a finding here: the evidence is the change itself.
//
// Each rule says which facts it rests on and which losses matter (RuleMeta.hunkFacts: collect,
// judge); this module counts them per function in both images and hands each rule its losses and
// gains, once per direction: losses from pre to post are `introduced` at the post-image's changed
// line nearest to them (or at the gained fact the rule names), losses from post to pre (what the
// patch adds back) are `fixed` in the pre-image.

import { hunkFinding } from './patch-finding.js';
import type { PatchFinding } from '../../finding.js';
import type { SourceImage } from '../../input/images.js';
import type { FoundFact } from './hunk-evidence.js';
import type { FactVerdict, Rule, SeenFact } from '../define-rule.js';
import { codeLineNear, nearestChanged, type HunkInput } from './image-analysis.js';

type Side = NonNullable<HunkInput['pre']>;

export function hunkFactFindings(input: HunkInput): PatchFinding[] {
  const { pre, post } = input;
  if (!pre || !post || !pre.image.partial || !post.image.partial) return [];
  const out: PatchFinding[] = [];
  const preRanges = pre.sliced.ranges;
  const postRanges = post.sliced.ranges;
  for (const rule of input.rules) {
    const check = rule.meta.hunkFacts;
    if (!check) continue;
    const mine = (side: Side) => side.evidence.facts.filter((f) => f.rule === rule.meta.id);
    const before = mine(pre);
    const after = mine(post);
    const functions = new Set([...before, ...after].map((f) => f.function));
    for (const fn of functions) {
      // A function new to the patch (or gone from it) was not broken (fixed) by it.
      if (!preRanges.has(fn) || !postRanges.has(fn)) continue;
      const a = before.filter((f) => f.function === fn);
      const b = after.filter((f) => f.function === fn);
      const directions = [
        { from: { side: pre, facts: a, range: preRanges.get(fn)! }, to: { side: post, facts: b, range: postRanges.get(fn)! }, status: 'introduced' as const },
        { from: { side: post, facts: b, range: postRanges.get(fn)! }, to: { side: pre, facts: a, range: preRanges.get(fn)! }, status: 'fixed' as const },
      ];
      for (const { from, to, status } of directions) {
        const lost = excess(from.facts, to.facts, from.side.image);
        if (lost.length === 0) continue;
        const gained = excess(to.facts, from.facts, to.side.image);
        const before = from.facts.map((f) => ({ ...f, changed: onChanged(f, from.side.image) }));
        const hits = check.judge ? check.judge(lost, gained, before) : lost.map((l) => ({ lost: l, at: undefined }));
        const hit = hits[0];
        if (!hit) continue;
        let line = hit.at?.line;
        if (line === undefined) {
          // A pure insertion changes no line of the other image: point where it goes.
          const mapped = hit.lost.line - from.range.start + to.range.start;
          const near = nearestChanged(to.side.image, to.range, mapped) ?? visibleNear(to.side.image, mapped);
          line = near === undefined ? undefined : codeLineNear(to.side.image, near);
        }
        if (line === undefined) continue;
        out.push(finding(input, rule, fn, hit, status, to.side.image, line));
      }
    }
  }
  return out;
}

/** Does the patch change a line of the fact's node? */
function onChanged(f: SeenFact, image: SourceImage): boolean {
  const last = f.lastLine ?? f.line;
  return image.changedLines.some((l) => l >= f.line && l <= last);
}

function visibleNear(image: SourceImage, line: number): number | undefined {
  for (let l = line; l >= line - 3 && l >= 1; l--) if (image.inputLineOf(l) !== undefined) return l;
  return undefined;
}

/**
 * The facts of `mine` on the image's changed lines whose key `mine` holds more often than
 * `theirs`: a fact respelled or moved within the function is in both counts and is not a change.
 */
function excess(mine: FoundFact[], theirs: FoundFact[], image: SourceImage): SeenFact[] {
  const changed = { has: (f: FoundFact) => onChanged(f, image) };
  const count = (facts: FoundFact[], key: string) => facts.filter((f) => f.key === key).length;
  const out: SeenFact[] = [];
  const seen = new Set<string>();
  for (const f of mine) {
    if (!changed.has(f) || seen.has(f.key)) continue;
    seen.add(f.key);
    const surplus = count(mine, f.key) - count(theirs, f.key);
    if (surplus <= 0) continue;
    out.push(...mine.filter((g) => g.key === f.key && changed.has(g)).slice(0, surplus));
  }
  return out.sort((x, y) => x.line - y.line);
}

function finding(input: HunkInput, rule: Rule, fn: string, hit: FactVerdict, status: 'introduced' | 'fixed', image: SourceImage, line: number): PatchFinding {
  const { lost, at } = hit;
  const atData = at ? Object.fromEntries(Object.entries(at.data).map(([k, v]) => [`at_${k}`, v])) : {};
  return hunkFinding(input, {
    rule, fn, status, image, line,
    messageId: rule.meta.hunkFacts!.messageId,
    data: { ...lost.data, ...atData, ...hit.data },
    help: `the pre-image had \`${lost.statement}\`; keep what it established, or run with --tree to check the function whole`,
    identity: `hunk-fact\0${lost.key}\0${lost.statement}`,
  });
}
