// The CLI's gating layer between flags and reports: the config file merged under the flags (flags
// win), the rule selection checked for emptiness, severity overrides, and the baseline applied to
// a result before it is printed and turned into an exit status.

import path from 'node:path';
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
