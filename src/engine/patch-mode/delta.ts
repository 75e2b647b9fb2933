// What a patch introduces and what it fixes (docs/architecture.md, "Patch mode"): the
// functions a patch touches are analyzed in the pre-image and in the post-image, and findings are
// matched by fingerprint (rule + file + function + normalized statement), never by line number:
// a patch moves lines, and many real fixes are one-line deletions whose effect shows only when the
// whole post-image function is evaluated again.

import type { Finding, Incomplete, PatchFinding } from '../../finding.js';
import type { FileImages } from '../../input/images.js';
import type { KernelVersion } from '../../kernel-version.js';
import { hunkCarryFindings } from './hunk-carries.js';
import { analyseImage, SlicedImage, type HunkInput } from './image-analysis.js';
import { patchFinding } from './patch-finding.js';
import { GAP_CALL } from '../../gap-call.js';
import { hunkFactFindings } from './hunk-facts.js';
import { helperPolicyFindings } from './helper-policy.js';
import type { Rule } from '../define-rule.js';
import { mayHoldWords } from '../../lang/slice.js';


export interface DeltaOptions {
  rules: Rule[];
  kernelVersion: KernelVersion;
  /** The patch input the images came from, for `input.file`. */
  inputName: string;
  /** Position of the patch in the run's patch list. */
  patch: number;
  /** Legacy-architecture semantics (--legacy-arch). */
  legacyArch?: boolean;
}

export interface FileDelta {
  findings: PatchFinding[];
  incomplete: Incomplete[];
  functions: number;
}

/** Findings of one file's pre- and post-image, with their status. */
export function deltaForFile(images: FileImages, options: DeltaOptions): FileDelta {
  // Each image is sliced once here; the analysis and every check below read these slices.
  const preSliced = images.pre && new SlicedImage(images.pre);
  const postSliced = images.post && new SlicedImage(images.post);
  const touched = new Set<string>([...touchedFunctions(preSliced), ...touchedFunctions(postSliced)]);
  const out: FileDelta = { findings: [], incomplete: [], functions: 0 };
  if (touched.size === 0) return out;
  const preImage = preSliced && analyseImage(images.path, preSliced, touched, options);
  const postImage = postSliced && analyseImage(images.path, postSliced, touched, options);
  const pre = preImage?.result;
  const post = postImage?.result;
  const preKeys = new Set(pre?.findings.map((f) => f.fingerprint));
  const postKeys = new Set(post?.findings.map((f) => f.fingerprint));
  const alike = gapAlike(preSliced, postSliced, pre?.findings ?? [], post?.findings ?? [], preKeys, postKeys);
  const rewritten = pairRewrites(
    (post?.findings ?? []).filter((f) => !preKeys.has(f.fingerprint) && !alike.has(f)),
    (pre?.findings ?? []).filter((f) => !postKeys.has(f.fingerprint) && !alike.has(f)),
    (f) => post?.rewriteKeys.get(f.fingerprint),
    (f) => pre?.rewriteKeys.get(f.fingerprint),
  );
  for (const f of post?.findings ?? []) {
    const same = preKeys.has(f.fingerprint) || alike.has(f) || rewritten.post.has(f);
    out.findings.push(patchFinding(f, same ? 'unchanged' : 'introduced', images.post!, options));
  }
  // A function the post-image cannot parse proves nothing gone: its findings are not fixes.
  const vanished = preSliced && postSliced && post ? vanishedFunctions(preSliced, postSliced, touched, post.functionNames) : [];
  const unparsedAfter = new Set([...(post?.incomplete ?? []), ...vanished].map((i) => i.function));
  for (const f of pre?.findings ?? []) {
    if (!postKeys.has(f.fingerprint) && !unparsedAfter.has(f.function) && !alike.has(f) && !rewritten.pre.has(f)) out.findings.push(patchFinding(f, 'fixed', images.pre!, options));
  }
  // From hunks alone: carries the patch removes or adds, unless the analysis already said it.
  const hunkInput: HunkInput = {
    path: images.path,
    pre: preImage,
    post: postImage,
    rules: options.rules,
    patch: options.patch,
    inputName: options.inputName,
  };
  const hunkFindings = [...hunkCarryFindings(hunkInput), ...hunkFactFindings(hunkInput)];
  for (const h of hunkFindings) {
    if (h.status === 'fixed' && unparsedAfter.has(h.function)) continue;
    if (!out.findings.some((f) => f.rule === h.rule && f.function === h.function && f.status === h.status)) out.findings.push(h);
  }
  // From hunks alone: a same-file batch helper whose policy the patch changes (helper-policy.ts).
  out.findings.push(...helperPolicyFindings(hunkInput));
  // Incomplete functions of the post-image are what a reviewer needs to know about; one the patch
  // made unparsable (it parsed before) is the patch's doing.
  const unparsedBefore = new Set(pre?.incomplete.map((i) => i.function));
  const parsedBefore = new Set(pre?.findings.map((f) => f.function));
  const existedBefore = (name: string) => preSliced !== undefined && !unparsedBefore.has(name) && (parsedBefore.has(name) || preSliced.ranges.has(name));
  out.incomplete = (post ? [...post.incomplete.map((i) => (existedBefore(i.function) ? { ...i, introduced: true } : i)), ...vanished] : (pre?.incomplete ?? []))
    .map((i) => ({ ...i, file: images.path, patch: options.patch }));
  out.functions = Math.max(pre?.analyzed ?? 0, post?.analyzed ?? 0);
  return out;
}

/**
 * Touched functions of the pre-image that the slicer no longer finds in the post-image although
 * their header line is still there: the patch unbalanced their braces (an unclosed `if (x {`),
 * which hides the function, and everything after it in the file, from the analysis. Deleting a
 * function removes its header too, so that case is not confused with this one.
 */
function vanishedFunctions(pre: SlicedImage, post: SlicedImage, touched: Set<string>, postNames: string[]): Incomplete[] {
  const found = new Set(postNames);
  const postLines = post.image.text.split('\n');
  const preLines = pre.image.text.split('\n');
  const out: Incomplete[] = [];
  for (const fn of pre.functions) {
    if (!touched.has(fn.name) || found.has(fn.name)) continue;
    const header = preLines[fn.nameLine - 1]?.trim();
    const at = header ? postLines.findIndex((l) => l.trim() === header) : -1;
    if (at < 0) continue;
    out.push({ file: '', function: fn.name, line: at + 1, reason: 'its braces no longer balance, so no complete definition is found', introduced: true });
  }
  return out;
}

/**
 * Findings of functions stitched from hunks with hidden lines between them (src/analysis/gap.ts)
 * that both images report, by rule and function, at statements the patch changed: what decides
 * them may lie in the hidden lines, the same in both images, so the patch neither introduced nor
 * fixed them (6.1 -> 6.12 wp_page_copy(): the unshare carries are hidden, the flagged `entry =`
 * statement was respelled). Paired in order; returned as one set of the paired findings.
 */
function gapAlike(preImage: SlicedImage | undefined, postImage: SlicedImage | undefined, pre: Finding[], post: Finding[], preKeys: Set<string>, postKeys: Set<string>): Set<Finding> {
  const out = new Set<Finding>();
  if (!preImage?.image.partial || !postImage?.image.partial) return out;
  const preGapped = gappedFunctions(preImage);
  const postGapped = gappedFunctions(postImage);
  const leftover = pre.filter((f) => !postKeys.has(f.fingerprint) && preGapped.has(f.function));
  for (const f of post) {
    if (preKeys.has(f.fingerprint) || !postGapped.has(f.function)) continue;
    const twin = leftover.find((p) => !out.has(p) && p.rule === f.rule && p.function === f.function);
    if (!twin) continue;
    out.add(twin);
    out.add(f);
  }
  return out;
}

/**
 * After exact fingerprint matching: a leftover post-image finding and a leftover pre-image finding
 * with the same rule, function, message id and reported call are one finding the patch rewrote
 * around (`pte = pte_mkwrite(pte, vma);` moved into `pte_t entry = pte_mkwrite(pte, vma);`), not a
 * fix and a new bug. Paired one to one, in order.
 */
function pairRewrites(
  post: Finding[],
  pre: Finding[],
  postKey: (f: Finding) => string | undefined,
  preKey: (f: Finding) => string | undefined,
): { post: Set<Finding>; pre: Set<Finding> } {
  const out = { post: new Set<Finding>(), pre: new Set<Finding>() };
  const waiting = new Map<string, Finding[]>();
  for (const f of pre) {
    const k = preKey(f);
    if (k !== undefined) waiting.set(k, [...(waiting.get(k) ?? []), f]);
  }
  for (const f of post) {
    const k = postKey(f);
    const match = k === undefined ? undefined : waiting.get(k)?.shift();
    if (!match) continue;
    out.post.add(f);
    out.pre.add(match);
  }
  return out;
}

function gappedFunctions(image: SlicedImage): Set<string> {
  return new Set(image.functions.filter((fn) => fn.text.includes(GAP_CALL)).map((fn) => fn.name));
}

/**
 * Names of the functions whose lines the patch changed in this image, and of the functions of the
 * same file that call them: a fix inside a batch helper (FPB_RESPECT_WRITE in
 * folio_unmap_pte_batch(), "mm/mremap: honour writable bit in mremap pte batching") changes the
 * verdict at its caller's restore, which the patch does not touch.
 */
function touchedFunctions(sliced: SlicedImage | undefined): string[] {
  if (!sliced || sliced.image.changedLines.length === 0) return [];
  const { image, functions } = sliced;
  const changed = functions.filter((fn) => image.changedLines.some((l) => l >= fn.startLine && l <= fn.endLine)).map((fn) => fn.name);
  if (changed.length === 0) return [];
  const call = new RegExp(`\\b(?:${changed.map(escapeRegExp).join('|')})\\s*\\(`);
  const words = changed.map((name) => /\w+/.exec(name)?.[0] ?? name);
  const callers = functions
    .filter((fn) => !changed.includes(fn.name) && mayHoldWords(fn, (text) => words.some((w) => text.includes(w))) && call.test(fn.text))
    .map((fn) => fn.name);
  return [...changed, ...callers];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
