// One image of one file of a patch (pre or post), sliced once and analysed once: every check of
// patch mode (the delta, the checks from hunks alone) reads its functions, ranges and evidence
// from here instead of slicing the text again.

import type { SourceImage } from '../../input/images.js';
import { extractFunctions, type SourceFunction } from '../../lang/slice.js';
import type { KernelVersion } from '../../kernel-version.js';
import { analyzeText, type AnalyzeResult } from '../analyze.js';
import type { Rule } from '../define-rule.js';
import { collectEvidence, emptyEvidence, type EvidenceWanted, type HunkEvidence } from './hunk-evidence.js';

export interface LineRange {
  start: number;
  end: number;
}

/** An image and its functions, sliced on first use. */
export class SlicedImage {
  private sliced?: SourceFunction[];
  private byName?: Map<string, LineRange>;

  constructor(readonly image: SourceImage) {}

  get functions(): SourceFunction[] {
    return (this.sliced ??= extractFunctions(this.image.text));
  }

  /** Each function's lines, by name (the first definition of a name). */
  get ranges(): Map<string, LineRange> {
    if (!this.byName) {
      this.byName = new Map();
      for (const fn of this.functions) if (!this.byName.has(fn.name)) this.byName.set(fn.name, { start: fn.startLine, end: fn.endLine });
    }
    return this.byName;
  }
}

/** A sliced image with its analysis and, for partial images, the evidence of its functions. */
export interface AnalysedImage {
  image: SourceImage;
  sliced: SlicedImage;
  result: AnalyzeResult;
  evidence: HunkEvidence;
}

/**
 * One file of a patch as the checks from hunks alone read it (hunk-carries.ts, hunk-facts.ts,
 * helper-policy.ts): both images with their analyses, the rules, and where the patch came from.
 */
export interface HunkInput {
  path: string;
  pre?: AnalysedImage;
  post?: AnalysedImage;
  rules: Rule[];
  patch: number;
  inputName: string;
}

export interface ImageAnalysisOptions {
  rules: Rule[];
  kernelVersion: KernelVersion;
  legacyArch?: boolean;
}

/** Analyses the functions `only` names in the image (the evidence only for partial images). */
export function analyseImage(path: string, sliced: SlicedImage, only: ReadonlySet<string>, options: ImageAnalysisOptions): AnalysedImage {
  const { image } = sliced;
  const evidence = emptyEvidence();
  const wanted: EvidenceWanted = {
    carries: image.partial && options.rules.some((r) => r.meta.hunkCarry),
    facts: image.partial && options.rules.some((r) => r.meta.hunkFacts),
    rules: options.rules,
    legacyArch: options.legacyArch ?? false,
  };
  const result = analyzeText(path, image.text, {
    rules: options.rules,
    kernelVersion: options.kernelVersion,
    onlyFunctions: only,
    functions: sliced.functions,
    // A function whose every line is real (a patch that adds or rewrites it whole) is complete.
    partlyVisible: (fn) => image.partial && !allLinesVisible(fn, image),
    legacyArch: options.legacyArch ?? false,
    onAnalyzed: wanted.carries || wanted.facts ? (fn, facts) => collectEvidence(fn, facts, wanted, evidence) : undefined,
  });
  return { image, sliced, result, evidence };
}

function allLinesVisible(fn: SourceFunction, image: SourceImage): boolean {
  for (let line = fn.startLine; line <= fn.endLine; line++) if (image.inputLineOf(line) === undefined) return false;
  return true;
}

/** The changed line of the image (inside `range`, if given) nearest to `near`. */
export function nearestChanged(image: SourceImage, range: LineRange | undefined, near: number): number | undefined {
  const inside = image.changedLines.filter((l) => !range || (l >= range.start && l <= range.end));
  if (inside.length === 0) return undefined;
  return inside.reduce((best, l) => (Math.abs(l - near) < Math.abs(best - near) ? l : best));
}

/**
 * A deletion's position in the post-image is the line after it, often the blank line that closed
 * the removed block: point at the code before it instead (the statement the carry followed).
 */
export function codeLineNear(image: SourceImage, line: number): number {
  const lines = image.text.split('\n');
  const blank = (l: number) => (lines[l - 1] ?? '').trim() === '';
  if (!blank(line)) return line;
  for (let l = line - 1; l >= 1 && l >= line - 3; l--) if (!blank(l) && image.inputLineOf(l) !== undefined) return l;
  return line;
}
