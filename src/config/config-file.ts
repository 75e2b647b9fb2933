// `.ptelint.json`: a tree's standing choices (rules on or off, severities, ignored paths, kernel
// version, baseline, legacy-arch, fail-on), found by walking up from the first path like
// .editorconfig or .clang-format. Validation is by hand: there are six keys, and each message
// names the file, the key and what was expected, which a generic schema error does not do as well.
// Command-line flags win over everything here; the merge is the CLI's job (src/cli/program.ts).

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Severity } from '../finding.js';
import type { KernelVersion } from '../kernel-version.js';
import { parseKernelVersion } from '../kernel-version.js';

export const CONFIG_FILE_NAME = '.ptelint.json';

/** What a rule can be set to: on or off, or on with this severity. */
export type RuleSetting = 'on' | 'off' | Severity;
const RULE_SETTINGS: readonly RuleSetting[] = ['on', 'off', 'error', 'warning', 'note'];
const FAIL_ON: readonly string[] = ['error', 'warning', 'note', 'never'];

export interface PtelintConfig {
  /** The file it came from (as found or given). */
  file: string;
  /** Relative paths in it (ignore globs, baseline) are relative to this directory. */
  dir: string;
  rules: Record<string, RuleSetting>;
  ignore: string[];
  kernelVersion?: KernelVersion;
  /** Resolved against `dir`. */
  baseline?: string;
  legacyArch?: boolean;
  failOn?: Severity | 'never';
}

export type ConfigLoad = { config: PtelintConfig } | { errors: string[] };

const KEYS = ['rules', 'ignore', 'kernelVersion', 'baseline', 'legacyArch', 'failOn'] as const;

/** The nearest `.ptelint.json` in `start`'s directory or above it, if any. */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  if (!isDirectory(dir)) dir = path.dirname(dir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and validates a config file. `knownRuleIds` is the catalogue the rule keys must name. */
export function loadConfigFile(file: string, knownRuleIds: readonly string[]): ConfigLoad {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { errors: [`${file}: cannot read the config file: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error)}`] };
  }
  return parseConfig(file, text, knownRuleIds);
}

export function parseConfig(file: string, text: string, knownRuleIds: readonly string[]): ConfigLoad {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { errors: [`${file}: not valid JSON: ${(error as Error).message}`] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { errors: [`${file}: expected a JSON object`] };
  const errors: string[] = [];
  const bad = (key: string, why: string, value: unknown) => errors.push(`${file}: ${key}: ${why}, got ${JSON.stringify(value)}`);
  const config: PtelintConfig = { file, dir: path.dirname(path.resolve(file)), rules: {}, ignore: [] };

  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    switch (key as (typeof KEYS)[number]) {
      case 'rules':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          bad(key, 'expected an object of rule id -> "on", "off", "error", "warning" or "note"', value);
          break;
        }
        for (const [id, setting] of Object.entries(value as Record<string, unknown>)) {
          if (!knownRuleIds.includes(id)) errors.push(`${file}: rules: unknown rule '${id}' (valid ids: ${[...knownRuleIds].sort().join(', ')})`);
          else if (typeof setting !== 'string' || !RULE_SETTINGS.includes(setting as RuleSetting)) bad(`rules.${id}`, `expected one of ${RULE_SETTINGS.join(', ')}`, setting);
          else config.rules[id] = setting as RuleSetting;
        }
        break;
      case 'ignore':
        if (!Array.isArray(value)) bad(key, 'expected an array of glob patterns', value);
        else
          value.forEach((glob, i) => {
            if (typeof glob !== 'string' || glob.trim() === '') bad(`ignore[${i}]`, 'expected a non-empty glob pattern', glob);
            else if (path.isAbsolute(glob)) bad(`ignore[${i}]`, `expected a pattern relative to ${config.dir}`, glob);
            else config.ignore.push(glob);
          });
        break;
      case 'kernelVersion': {
        const version = typeof value === 'string' ? parseKernelVersion(value) : undefined;
        if (!version) bad(key, 'expected a kernel version string such as "6.12"', value);
        else config.kernelVersion = version;
        break;
      }
      case 'baseline':
        if (typeof value !== 'string' || value === '') bad(key, 'expected the path of a baseline file', value);
        else config.baseline = path.resolve(config.dir, value);
        break;
      case 'legacyArch':
        if (typeof value !== 'boolean') bad(key, 'expected true or false', value);
        else config.legacyArch = value;
        break;
      case 'failOn':
        if (typeof value !== 'string' || !FAIL_ON.includes(value)) bad(key, `expected one of ${FAIL_ON.join(', ')}`, value);
        else config.failOn = value as PtelintConfig['failOn'];
        break;
      default:
        errors.push(`${file}: unknown key '${key}' (known keys: ${KEYS.join(', ')})`);
    }
  }
  return errors.length ? { errors } : { config };
}

/**
 * A test of "is this file ignored": each glob is matched against the file's path relative to the
 * config file's directory, with `/` separators (so `mm/kasan/**` means the same on every system).
 * picomatch is the matcher: Node 20's path.matchesGlob prints an ExperimentalWarning on stderr.
 */
export function ignoreMatcher(config: Pick<PtelintConfig, 'dir' | 'ignore'>): ((absolute: string) => boolean) | undefined {
  if (config.ignore.length === 0) return undefined;
  const match = picomatch(config.ignore, { dot: true });
  return (absolute) => {
    const relative = path.relative(config.dir, absolute).split(path.sep).join('/');
    return match(relative);
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
