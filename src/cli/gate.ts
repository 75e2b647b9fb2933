// The CLI's gating layer between flags and reports: the config file merged under the flags (flags
// win), the rule selection checked for emptiness, severity overrides, and the baseline applied to
// a result before it is printed and turned into an exit status.

import path from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { FailOn } from './options.js';
import type { CliIo } from './program.js';
import { EXIT_USAGE } from './exit-code.js';
import { readBaseline } from '../gate/baseline.js';
import { detectKernelVersion } from '../input/kernel-tree.js';
import { describeFsError } from '../input/fs-error.js';
import { NEWEST_KERNEL } from '../kernel-version.js';
import type { Rule } from '../engine/define-rule.js';
import { selectRulesFrom } from '../engine/registry.js';
import type { Finding, PatchRunResult, RunResult } from '../finding.js';
import type { Baseline } from '../gate/baseline.js';
import { inBaseline } from '../gate/baseline.js';
import type { PtelintConfig } from '../config/config-file.js';
import { findConfigFile, loadConfigFile } from '../config/config-file.js';
import type { KernelVersion } from '../kernel-version.js';
import { formatKernelVersion } from '../kernel-version.js';

/** --config FILE, --no-config (false), or neither (undefined: look for one). */
export type ConfigFlag = string | false | undefined;

export type ConfigChoice = { config?: PtelintConfig } | { errors: string[] };

export function chooseConfig(flag: ConfigFlag, searchFrom: string, ruleIds: readonly string[]): ConfigChoice {
  if (flag === false) return {};
  const file = flag ?? findConfigFile(searchFrom);
  if (file === undefined) return {};
  const loaded = loadConfigFile(file, ruleIds);
  return 'errors' in loaded ? loaded : { config: loaded.config };
}

export interface RuleChoice {
  only?: string[];
  disable?: string[];
}

/**
 * --rule names exactly what runs; without it the config's on/off settings adjust the defaults.
 * --disable removes from either.
 */
export function chooseRules(catalogue: readonly Rule[], config: PtelintConfig | undefined, rule?: string[], disable?: string[]): RuleChoice {
  const choice: RuleChoice = {};
  if (rule) choice.only = rule;
  else if (config && Object.keys(config.rules).length > 0) {
    choice.only = catalogue
      .filter((r) => {
        const setting = config.rules[r.meta.id];
        return setting === undefined ? r.meta.enabledByDefault : setting !== 'off';
      })
      .map((r) => r.meta.id);
  }
  if (disable) choice.disable = disable;
  return choice;
}

/** The usage error of a selection that leaves no rule to run, or undefined. */
export function emptySelectionError(catalogue: readonly Rule[], choice: RuleChoice, legacyArch: boolean): string | undefined {
  if (catalogue.length === 0) return undefined;
  const selected = selectRulesFrom(catalogue, choice.only, choice.disable, legacyArch ? ['legacy-arch'] : []);
  if (selected.length > 0) return undefined;
  // A run of no rules would pass every tree: almost certainly not what was meant.
  return 'no rule left to run: every selected rule is disabled (by --disable or the config file)';
}

/** Severity overrides of the config file, applied to findings as they come from the engine. */
export function overrideSeverities<F extends Finding>(findings: F[], config: PtelintConfig | undefined): F[] {
  if (!config) return findings;
  return findings.map((f) => {
    const setting = config.rules[f.rule];
    return setting === 'error' || setting === 'warning' || setting === 'note' ? { ...f, severity: setting } : f;
  });
}

/** Marks each finding of a check run as in the baseline or new, and counts the known ones. */
export function applyCheckBaseline(result: RunResult, baseline: Baseline | undefined): RunResult {
  if (!baseline) return result;
  const findings = result.findings.map((f) => ({ ...f, baseline: inBaseline(baseline, f) }));
  return { ...result, findings, summary: { ...result.summary, baseline: findings.filter((f) => f.baseline).length } };
}

/** Patch mode: an introduced finding the baseline already knows is `baseline`, not introduced. */
export function applyPatchBaseline(result: PatchRunResult, baseline: Baseline | undefined): PatchRunResult {
  if (!baseline) return result;
  const findings = result.findings.map((f) => (f.status === 'introduced' && inBaseline(baseline, f) ? { ...f, status: 'baseline' as const } : f));
  return { ...result, findings, summary: { ...result.summary, baseline: findings.filter((f) => f.status === 'baseline').length } };
}

/** Drops findings in ignored files (patch mode: paths are relative to the tree's top). */
export function withoutIgnored<R extends { findings: Finding[] }>(result: R, ignored: ((absolute: string) => boolean) | undefined, base: string): R {
  if (!ignored) return result;
  return { ...result, findings: result.findings.filter((f) => !ignored(path.resolve(base, f.file))) };
}

/** For --verbose and the mismatch warning: which kernel's semantics apply, and why. */
export function describeKernelVersion(tree: KernelVersion | undefined, flag: KernelVersion | undefined, newest: KernelVersion): { used: string; warning?: string } {
  if (tree) {
    const warning =
      flag && formatKernelVersion(flag) !== formatKernelVersion(tree)
        ? `--kernel-version ${formatKernelVersion(flag)} differs from the tree's Makefile (${formatKernelVersion(tree)}); the Makefile's version is used`
        : undefined;
    return { used: `kernel ${formatKernelVersion(tree)} semantics (from the tree's Makefile)`, warning };
  }
  if (flag) return { used: `kernel ${formatKernelVersion(flag)} semantics (from --kernel-version or the config file; no kernel Makefile found)` };
  return { used: `kernel ${formatKernelVersion(newest)} semantics (the newest known; no kernel Makefile found and no --kernel-version)` };
}

/** Settings of one run: the config file under the flags, checked before anything is read. */
export interface RunSettings {
  config?: PtelintConfig;
  only?: string[];
  disable?: string[];
  failOn: FailOn;
  kernelVersion?: KernelVersion;
  legacyArch: boolean;
  baseline?: Baseline;
  baselinePath?: string;
}

export interface CommonFlags {
  rule?: string[];
  disable?: string[];
  failOn: FailOn;
  kernelVersion?: KernelVersion;
  legacyArch?: boolean;
  baseline?: string;
  config?: ConfigFlag;
  verbose?: boolean;
}

/** The settings, or the exit status of a usage error already reported on stderr. */
export async function settingsFor(flags: CommonFlags, command: Command, io: CliIo, searchFrom: string, versionFrom: string | undefined): Promise<RunSettings | number> {
  const fail = (message: string): number => {
    io.stderr.write(`ptelint: ${message}\n`);
    return EXIT_USAGE;
  };
  const chosen = chooseConfig(flags.config, searchFrom, io.rules.map((r) => r.meta.id));
  if ('errors' in chosen) {
    for (const e of chosen.errors) fail(e);
    return EXIT_USAGE;
  }
  const config = chosen.config;
  const failOnFromFlag = command.getOptionValueSource('failOn') === 'cli';
  const settings: RunSettings = {
    config,
    ...chooseRules(io.rules, config, flags.rule, flags.disable),
    failOn: failOnFromFlag ? flags.failOn : (config?.failOn ?? flags.failOn),
    kernelVersion: flags.kernelVersion ?? config?.kernelVersion,
    legacyArch: flags.legacyArch === true || config?.legacyArch === true,
    baselinePath: flags.baseline ?? config?.baseline,
  };
  const empty = emptySelectionError(io.rules, settings, settings.legacyArch);
  if (empty) return fail(empty);
  if (settings.baselinePath) {
    const read = await readBaseline(settings.baselinePath);
    if ('error' in read) return fail(read.error);
    settings.baseline = read.baseline;
  }
  // versionFrom undefined: no tree to read a Makefile from (patch files without --tree).
  const described = describeKernelVersion(versionFrom === undefined ? undefined : detectKernelVersion(versionFrom), settings.kernelVersion, NEWEST_KERNEL);
  if (described.warning) io.stderr.write(`ptelint: warning: ${described.warning}\n`);
  if (flags.verbose) io.stderr.write(`ptelint: ${described.used}\n`);
  return settings;
}

export function treeProblem(tree: string): string | undefined {
  try {
    return statSync(tree).isDirectory() ? undefined : 'not a directory';
  } catch (error) {
    return describeFsError(error);
  }
}

export async function readProcessStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

