// `ptelint patch`: patch inputs (files, `-`, or a git range) -> pre/post images -> delta findings.
// A series is applied in order on one source, so patch 3 sees what patch 2 did; one file that
// cannot be used is an error for that file and the rest goes on.

import type { InputError, PatchFinding, PatchReport, PatchRunResult, Incomplete } from '../../finding.js';
import type { Patch, PatchError } from '../../patch-types.js';
import { readPatchFile, readPatchText } from '../../input/patch/index.js';
import { buildImages, gitRangeImages, GitRepo, noTreeSource, repoSource, treeSource, type FileImages, type ImageSource } from '../../input/images.js';
import { detectKernelVersion } from '../../input/kernel-tree.js';
import { formatKernelVersion, NEWEST_KERNEL, versionFromMakefile, versionFromSubject, type KernelVersion } from '../../kernel-version.js';
import { modesOf, selectRules } from '../registry.js';
import { deltaForFile } from './delta.js';
import { compareFindings } from '../../finding.js';
import { stripComponents } from '../../input/patch/diff-paths.js';
import { errorOrder } from '../../result-order.js';
import { SourceLines } from '../../input/source-lines.js';

export interface PatchOptions {
  /** Patch files, mbox files, mails; `-` is standard input. */
  inputs: string[];
  /** A kernel tree the patches apply to (exact pre- and post-images). */
  tree?: string;
  /** A git revision range, read from the repository at `repo` (default: the current directory). */
  git?: string;
  /**
   * The repository holding the patches' blobs and base commits (`--repo`): pre-images by the
   * `index` lines' ids, then the `base-commit:` trailer, then `tree`, then the hunks. Undefined:
   * the repository of the current directory, if any, used silently; false: none.
   */
  repo?: string | false;
  only?: string[];
  disable?: string[];
  kernelVersion?: KernelVersion;
  /** Legacy-architecture mode (--legacy-arch): also run the rules meant for it. */
  legacyArch?: boolean;
  /** -p N: leading components to strip from plain `diff -u` paths (git's a/ b/ are always stripped). */
  strip?: number;
}

export interface PatchRun {
  result: PatchRunResult;
  /** The parsed patch behind `result.patches[n - 1]` (PatchFinding.patch is n), for reporters that quote it. */
  patchOf?(n: number): Patch | undefined;
  /** The text of a finding's line in the image it was found in (pre for fixed, post otherwise). */
  sourceLine(finding: PatchFinding): string | undefined;
}

export async function runPatch(options: PatchOptions): Promise<PatchRun> {
  const started = performance.now();
  const rules = selectRules(options.only, options.disable, modesOf(options));
  const result: PatchRunResult = { findings: [], errors: [], incomplete: [], patches: [], summary: { files: 0, functions: 0, findings: 0, durationMs: 0 } };
  const repoDir = options.repo === false || options.repo === undefined ? '.' : options.repo;
  const fixed = (options.tree && detectKernelVersion(options.tree)) || (options.git && detectKernelVersion(repoDir)) || options.kernelVersion;
  let version: KernelVersion = fixed || NEWEST_KERNEL;
  const files = new Set<string>();
  const imageLines = new SourceLines();
  const parsedPatches: Array<Patch | undefined> = [];

  const addDelta = (patch: PatchReport, images: FileImages[], inputName: string): void => {
    patch.kernelVersion = formatKernelVersion(version);
    for (const img of images) {
      if (img.provenance) {
        const { source, id, skipped } = img.provenance;
        (patch.sources ??= []).push({ file: img.path, source, ...(id !== undefined ? { id } : {}), skipped });
      }
      for (const e of img.errors) patch.errors.push(toInputError(e));
      if (!img.pre && !img.post) continue;
      files.add(img.path);
      const patchNo = result.patches.length;
      if (img.pre) imageLines.add(imageKey(patchNo, 'pre', img.path), img.pre.text);
      if (img.post) imageLines.add(imageKey(patchNo, 'post', img.path), img.post.text);
      const d = deltaForFile(img, { rules, kernelVersion: version, inputName, patch: patchNo, legacyArch: options.legacyArch });
      result.findings.push(...d.findings);
      result.incomplete.push(...d.incomplete);
      result.summary.functions += d.functions;
    }
  };

  if (options.git) {
    const range = await gitRangeImages(repoDir, options.git);
    result.errors.push(...range.errors.map(toInputError));
    for (const c of range.commits) {
      const parsed = await readPatchText(`git:${c.commit.slice(0, 12)}`, c.patchText);
      const report = reportFor(parsed.patches[0], `git:${c.commit.slice(0, 12)}`, result.patches.length + 1, c.subject);
      report.commit = c.commit;
      report.files = c.images.map((i) => i.path);
      result.patches.push(report);
      parsedPatches.push(parsed.patches[0]);
      addDelta(report, c.images, report.input);
    }
  } else {
    // One source for all inputs: `ptelint patch outgoing/*.patch` is a series too.
    const repo = openRepo(options.repo);
    if (repo && 'error' in repo) result.errors.push({ file: options.repo as string, message: repo.error });
    const gitRepo = repo && !('error' in repo) ? repo : undefined;
    const source: ImageSource = gitRepo
      ? repoSource(gitRepo, options.tree, typeof options.repo === 'string')
      : options.tree ? treeSource(options.tree) : noTreeSource();
    for (const input of options.inputs) {
      const read = await readPatchFile(input);
      result.errors.push(...read.errors.map(toInputError));
      for (const patch of read.patches) {
        if (options.strip !== undefined) stripPlainPaths(patch, options.strip, input);
        // `index` is the patch's position in the run (what findings[].patch counts), not in its
        // input: with several inputs or a git range the two differ, and scripts join on it.
        const report = reportFor(patch, input, result.patches.length + 1, patch.subject);
        result.patches.push(report);
        parsedPatches.push(patch);
        report.errors.push(...patch.errors.map(toInputError));
        // A file whose hunks were truncated or miscounted is not analyzed: its images would be
        // guesses, and a guess that happens to be clean would pass silently.
        const broken = new Set(patch.errors.map((e) => e.file).filter((f): f is string => !!f));
        for (const f of patch.files) {
          const path = f.newPath ?? f.oldPath ?? '';
          // A binary diff of C source cannot be analyzed; saying nothing would read as "clean".
          if (f.binary && /\.[ch]$/.test(path)) report.errors.push({ file: input, message: `${path}: binary diff of a C file, not analyzed` });
        }
        const usable = { ...patch, files: patch.files.filter((f) => !broken.has(f.newPath ?? f.oldPath ?? '')) };
        version = fixed || patchVersion(patch, gitRepo) || NEWEST_KERNEL;
        addDelta(report, await buildImages(usable, source), input);
      }
    }
  }

  // An error of one file or hunk is also a run error: `errors` is where scripts look first.
  for (const p of result.patches) {
    p.errors.sort(errorOrder);
    result.errors.push(...p.errors);
  }
  result.errors.sort(errorOrder);
  result.findings.sort(compareFindings);
  result.incomplete.sort((a: Incomplete, b: Incomplete) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  result.summary.files = files.size;
  result.summary.findings = result.findings.length;
  result.summary.durationMs = Math.round(performance.now() - started);
  return {
    result,
    sourceLine: (f) => imageLines.line(imageKey(f.patch, f.status === 'fixed' ? 'pre' : 'post', f.file), f.line),
    patchOf: (n) => parsedPatches[n - 1],
  };
}

/** The key of an image's lines: a series can hold several versions of one file. */
function imageKey(patch: number, side: 'pre' | 'post', file: string): string {
  return `${patch}:${side}:${file}`;
}

/** The repository of `--repo`, the current directory's (undefined outside one), or none. */
function openRepo(repo: string | false | undefined): GitRepo | { error: string } | undefined {
  if (repo === false) return undefined;
  if (repo === undefined) return GitRepo.current();
  return GitRepo.open(repo);
}

/**
 * The kernel a patch was made for, when nothing explicit says: the Makefile at its base commit
 * in the repository, else a stable series in its subject (`[PATCH 6.1 12/98]`, `[PATCH 6.12.y]`).
 */
function patchVersion(patch: Patch, repo: GitRepo | undefined): KernelVersion | undefined {
  if (repo && patch.baseCommit !== undefined) {
    const makefile = repo.readAt(patch.baseCommit, 'Makefile');
    const v = 'text' in makefile ? versionFromMakefile(makefile.text) : undefined;
    if (v) return v;
  }
  return versionFromSubject(patch.subject);
}

/** -p N on plain `diff -u` headers (git's a/ b/ names are left as read). */
function stripPlainPaths(patch: Patch, n: number, input: string): void {
  for (const f of patch.files) {
    if (!f.plainNames) continue;
    const strip = (name: string, current: string | null): string | null => {
      if (current === null) return null;
      const stripped = stripComponents(name, n);
      if (stripped === undefined) {
        patch.errors.push({ input, line: f.inputLine, message: `-p ${n}: ${name} has no ${n} leading path component${n === 1 ? '' : 's'} to strip` });
        return current;
      }
      return stripped;
    };
    f.oldPath = strip(f.plainNames.old, f.oldPath);
    f.newPath = strip(f.plainNames.new, f.newPath);
  }
}

function reportFor(patch: Patch | undefined, input: string, index: number, subject: string): PatchReport {
  const files = (patch?.files ?? []).map((f) => f.newPath ?? f.oldPath ?? '?');
  const hunks = (patch?.files ?? []).reduce((n, f) => n + f.hunks.length, 0);
  const report: PatchReport = { input, index, subject, files, hunks, errors: [] };
  if (patch?.mail?.messageId) report.messageId = patch.mail.messageId;
  return report;
}

function toInputError(e: PatchError): InputError {
  const where = [e.line !== undefined ? `line ${e.line}` : '', e.file ? `${e.file}` : '', e.hunk !== undefined ? `hunk ${e.hunk}` : '']
    .filter(Boolean)
    .join(', ');
  return { file: e.input, message: where ? `${where}: ${e.message}` : e.message };
}

/** Findings that gate CI in patch mode: only what the patch introduces (issue "Patch review"). */
export function introducedOnly(findings: PatchFinding[]): PatchFinding[] {
  return findings.filter((f) => f.status === 'introduced');
}
