import type { KernelVersion } from '../kernel-version.js';
import type { Shard } from '../input/select-files.js';
import type { ConfigProfile } from '../lang/preprocess/config-profile.js';
import type { CacheStrategy } from './result-cache.js';

/** What the CLI hands the engine for `ptelint check`. */
export interface CheckOptions {
  /** Files and directories, as the user typed them. */
  paths: string[];
  /** Run only these rule ids (also turns on rules that are off by default). */
  only?: string[];
  /** Never run these rule ids. */
  disable?: string[];
  /** Overrides the version read from the tree's Makefile. */
  kernelVersion?: KernelVersion;
  /** Threads (the main one included), capped at the core count; default: the core count. Output is the same bytes whatever the value. */
  jobs?: number;
  /** Source bytes each thread must have before another is started (default BYTES_PER_JOB in run.ts; tests lower it). */
  bytesPerJob?: number;
  /** Skip files and functions without any rule keyword before parsing (default true). */
  prefilter?: boolean;
  /**
   * Legacy-architecture mode (--legacy-arch): turns on the rules meant for trees whose
   * *_mkdirty() can set the hardware write bit, in addition to the selected ones.
   */
  legacyArch?: boolean;
  /**
   * --cache: reuse the outcomes of files analysed by an earlier run with the same version, rules
   * and options, kept in `dir` (src/engine/result-cache.ts). `version` is ptelint's own. The
   * strategy (--cache-strategy) says how an unchanged file is told: by its bytes (content, the
   * default) or by its stat (metadata).
   */
  cache?: { dir: string; version: string; strategy?: CacheStrategy };
  /** The configuration `#if`s are evaluated with (`ptelint kbuild`: the build's); default x86_64. */
  profile?: ConfigProfile;
  /** Leave out the files this says yes to (`.ptelint.json` ignore globs; absolute path in). */
  ignored?: (absolute: string) => boolean;
  /** Analyze only this shard of the files (--shard I/N). */
  shard?: Shard;
  /** `ptelint check -`: analyze this text instead of paths (the name is what reports print). */
  stdin?: { name: string; bytes: Buffer };
  /** Called as files are done: files done of total, functions analyzed so far (progress display). */
  onProgress?(progress: { done: number; total: number; functions: number }): void;
}
