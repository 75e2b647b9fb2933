// The command line: flags -> CheckOptions, RunResult -> output and exit status, nothing else
// (docs/architecture.md, "Layers"). The engine, the rule list and the streams come in through CliIo,
// so main.ts is the only file wired to the real ones and tests can drive every exit path.

import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { Rule } from '../engine/define-rule.js';
import type { CheckOptions } from '../engine/run-options.js';
import type { PatchRunResult, RunResult } from '../finding.js';
import { shouldUseColor } from '../report/color.js';
import type { RuleDescriptor } from '../report/sarif.js';
import type { SourceLineLookup } from '../report/text.js';
import { CHECK_FORMATS, FORMATS, PATCH_FORMATS, type PatchView, type Write } from './output-formats.js';
import { linesOf, loadSourceLines } from '../input/source-lines.js';
import { EXIT_CLEAN, EXIT_USAGE, exitCodeFor } from './exit-code.js';
import type { FailOn, OutputFormat } from './options.js';
import {
  FAIL_ON_LEVELS,
  parseJobs,
  parseKernelVersionFlag,
  ruleIdListParser,
  validIdsText,
} from './options.js';
import { catalogueIdsText, formatRuleExplanation, formatRuleTable, rulesForExplain } from './rule-text.js';
import type { PatchOptions, PatchRun } from '../engine/run-patch.js';
import { exitCodeForPatch } from './exit-code.js';
import { kbuildHelpCommand, runKbuild } from './kbuild.js';
import type { ColorMode } from '../report/color.js';
import type { Shard } from '../input/select-files.js';
import { colorOption, parseShard, parseStripCount, quietOption } from './options.js';
import type { CommonFlags } from './gate.js';
import {
  applyCheckBaseline,
  applyPatchBaseline,
  overrideSeverities,
  readProcessStdin,
  settingsFor,
  treeProblem,
  withoutIgnored,
} from './gate.js';
import type { PtelintConfig } from '../config/config-file.js';
import { ignoreMatcher } from '../config/config-file.js';
import { writeBaseline } from '../gate/baseline.js';
import { progressDisplay } from './progress.js';
import { CACHE_STRATEGIES, defaultCacheDir, type CacheStrategy } from '../engine/result-cache.js';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  runCheck(options: CheckOptions): Promise<RunResult>;
  rules: readonly Rule[];
  version: string;
  /** Defaults to reading the files from disk. */
  loadSourceLines?(files: string[]): Promise<SourceLineLookup>;
  /** The patch engine (`ptelint patch`). */
  runPatch?(options: PatchOptions): Promise<PatchRun>;
  /** All of standard input, for `ptelint check -` (defaults to process.stdin). */
  readStdin?(): Promise<Buffer>;
  /** Where a config file search starts when the paths do not say (defaults to the working directory). */
  cwd?: string;
}

interface PatchFlags extends CommonFlags {
  format: OutputFormat;
  tree?: string;
  git?: string;
  repo?: string | false;
  all?: boolean;
  quiet?: boolean;
  color: ColorMode;
  strip?: number;
  timing?: boolean;
}

interface CheckFlags extends CommonFlags {
  format: OutputFormat;
  jobs?: number;
  prefilter: boolean;
  writeBaseline?: string;
  all?: boolean;
  shard?: Shard;
  quiet?: boolean;
  color: ColorMode;
  stdinFilename: string;
  cache?: string | true;
  cacheStrategy: CacheStrategy;
  timing?: boolean;
}

const CONFIG_HELP = 'read settings from this file instead of the nearest .ptelint.json';
const BASELINE_HELP = 'known findings (a file written by --write-baseline): reported as baseline, never failing the run';

const TIMING_HELP = "--format json: add the run's duration (durationMs) to the summary; without it, the same input gives the same bytes";

const LEGACY_ARCH_HELP =
  'legacy architectures, where *_mkdirty() can set the write bit (6.1 sparc64, older loongarch): also run the rules meant for them';

const EXIT_HELP = `
Exit status:
  0  nothing reached --fail-on
  1  a finding at or above --fail-on
  2  usage error, or no usable input at all`;

/** Runs one command line (without the `node ptelint` prefix) and returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // kbuild passes sparse's and gcc's flags, which no option parser of ours can know (kbuild.ts).
  if (argv[0] === 'kbuild') return runKbuild(argv.slice(1), io);
  let status = EXIT_CLEAN;
  const program = buildProgram(io, (code) => {
    status = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Commander exits 1 on usage errors, which would read as "findings" to a CI script.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_CLEAN : EXIT_USAGE;
  }
  return status;
}

function buildProgram(io: CliIo, setStatus: (code: number) => void): Command {
  const ruleIds = io.rules.map((r) => r.meta.id);
  const program = new Command('ptelint');
  // Set before the subcommands are added: commander copies these settings into each of them.
  program
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(add --help for usage)')
    .description('Static analyzer for Linux kernel page-table entry transitions')
    .version(io.version)
    .addHelpText('after', EXIT_HELP);

  program
    .command('check')
    .description('analyze C sources and headers (files or directories)')
    .argument('[paths...]', 'files and directories to analyze', ['.'])
    .addOption(new Option('--format <format>', 'output format').choices(CHECK_FORMATS).default('text'))
    .option('--rule <ids>', 'run only these rules (comma-separated; turns on rules that are off by default)', ruleIdListParser(ruleIds))
    .option('--disable <ids>', 'never run these rules (comma-separated)', ruleIdListParser(ruleIds))
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit status 1').choices(FAIL_ON_LEVELS).default('warning'),
    )
    .option('--kernel-version <x.y>', 'kernel semantics to apply when the tree has no top-level Makefile', parseKernelVersionFlag)
    .option('--legacy-arch', LEGACY_ARCH_HELP)
    .option('--jobs <n>', 'threads, at most the number of cores (default: the number of cores; output is the same whatever the value)', parseJobs)
    .option('--no-prefilter', 'debugging aid: parse every function, even those without any rule keyword')
    .option('--verbose', 'list every function that could not be fully analyzed, and say which kernel version applies')
    .option('--cache [dir]', 'reuse the results of unchanged files from earlier runs (default dir: node_modules/.cache/ptelint if ./node_modules exists, else ~/.cache/ptelint)')
    .addOption(
      new Option('--cache-strategy <strategy>', 'how --cache tells an unchanged file: by its bytes (content), or by size and times without reading it (metadata)')
        .choices(CACHE_STRATEGIES)
        .default('content'),
    )
    .option('--baseline <file>', BASELINE_HELP)
    .option('--write-baseline <file>', 'write every finding of this run to a baseline file (and do not fail on them)')
    .option('--all', 'also print findings that are in the baseline')
    .option('--config <file>', CONFIG_HELP)
    .option('--no-config', 'do not look for a .ptelint.json')
    .option('--shard <i/n>', 'analyze only the i-th of n deterministic shards of the files (CI matrices)', parseShard)
    .option('--stdin-filename <name>', 'with the path -: the name standard input is reported under', '<stdin>')
    .option('--timing', TIMING_HELP)
    .addOption(quietOption())
    .addOption(colorOption())
    .addHelpText('after', EXIT_HELP)
    .action(async (paths: string[], flags: CheckFlags, command: Command) => {
      if (paths.includes('-') && paths.length > 1) command.error('error: - (standard input) cannot be combined with other paths', { exitCode: EXIT_USAGE });
      if (flags.shard && paths.includes('-')) command.error('error: --shard splits a tree scan; it makes no sense with - (standard input)', { exitCode: EXIT_USAGE });
      setStatus(await check(paths, flags, io, command));
    });

  program
    .command('patch')
    .description('lint patches: what each patch introduces and what it fixes')
    .argument('[inputs...]', 'patch files, git format-patch mails, mbox series, review replies quoting a diff; - reads standard input')
    .option('--tree <dir>', 'kernel tree the patches apply to (exact pre- and post-images)')
    .option('--git <range>', 'lint the commits of a git range in the current repository (e.g. origin/master..HEAD)')
    .option(
      '--repo <dir>',
      "git repository holding the patches' blobs: exact pre-images by the `index` lines' ids, else by the mail's base-commit (default: the repository ptelint runs in, if any)",
    )
    .option('--no-repo', 'do not read pre-images from any git repository')
    .option('--all', 'also print findings the patch neither introduces nor fixes')
    .addOption(new Option('--format <format>', 'output format (mail: a reply quoting the patch, findings under their lines; checkpatch, b4: per-patch checks of b4; patchwork: Patchwork check bodies)').choices(PATCH_FORMATS).default('text'))
    .option('--rule <ids>', 'run only these rules (comma-separated)', ruleIdListParser(ruleIds))
    .option('--disable <ids>', 'never run these rules (comma-separated)', ruleIdListParser(ruleIds))
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity of an introduced finding that makes the exit status 1')
        .choices(FAIL_ON_LEVELS)
        .default('warning'),
    )
    .option('--kernel-version <x.y>', 'kernel semantics when there is no tree to read the version from', parseKernelVersionFlag)
    .option('--legacy-arch', LEGACY_ARCH_HELP)
    .option('--baseline <file>', BASELINE_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--no-config', 'do not look for a .ptelint.json')
    .option('-p, --strip <n>', 'leading path components to strip from plain diff -u names, as patch -pN (default: 1 when both sides start a/ b/ or the same directory)', parseStripCount)
    .option('--verbose', 'say which kernel version applies')
    .option('--timing', TIMING_HELP)
    .addOption(quietOption())
    .addOption(colorOption())
    .addHelpText('after', EXIT_HELP)
    .action(async (inputs: string[], flags: PatchFlags, command: Command) => {
      if (!flags.git && inputs.length === 0) {
        command.error('error: give patch files, - for standard input, or --git <range>', { exitCode: EXIT_USAGE });
      }
      if (flags.git && flags.tree) command.error('error: --git and --tree exclude each other', { exitCode: EXIT_USAGE });
      setStatus(await patch(inputs, flags, io, command));
    });

  program.addCommand(kbuildHelpCommand());

  program
    .command('rules')
    .description('list the rules')
    .action(() => {
      io.stdout.write(formatRuleTable(io.rules));
    });

  program
    .command('explain')
    .description('explain one rule: why, examples, how to fix, limits')
    .argument('<rule-id>', 'a rule id, or a catalogue id such as R3')
    .action((id: string) => {
      const rules = rulesForExplain(io.rules, id);
      if (rules.length === 0) {
        io.stderr.write(`ptelint: unknown rule '${id}'; ${validIdsText(ruleIds)}; ${catalogueIdsText(io.rules)}\n`);
        setStatus(EXIT_USAGE);
        return;
      }
      io.stdout.write(rules.map(formatRuleExplanation).join('\n'));
    });

  return program;
}

async function patch(inputs: string[], flags: PatchFlags, io: CliIo, command: Command): Promise<number> {
  if (!io.runPatch) throw new Error('the patch engine is not wired into this CLI');
  const cwd = io.cwd ?? process.cwd();
  const searchFrom = flags.tree ?? (flags.git || inputs[0] === '-' || inputs.length === 0 ? cwd : inputs[0]);
  const versionFrom = flags.tree ?? (flags.git ? cwd : undefined);
  if (flags.tree) {
    const problem = treeProblem(flags.tree);
    if (problem) {
      io.stderr.write(`ptelint: --tree ${flags.tree}: ${problem}\n`);
      return EXIT_USAGE;
    }
  }
  const settings = await settingsFor(flags, command, io, searchFrom, versionFrom);
  if (typeof settings === 'number') return settings;
  const options: PatchOptions = { inputs };
  if (flags.tree) options.tree = flags.tree;
  if (flags.git) options.git = flags.git;
  if (flags.repo !== undefined) options.repo = flags.repo;
  if (settings.only) options.only = settings.only;
  if (settings.disable) options.disable = settings.disable;
  if (settings.kernelVersion) options.kernelVersion = settings.kernelVersion;
  if (settings.legacyArch) options.legacyArch = true;
  if (flags.strip !== undefined) options.strip = flags.strip;
  const run = await io.runPatch(options);
  if (flags.git && run.result.patches.length === 0 && run.result.errors.length === 0) {
    // An empty range is a normal state of a branch (nothing on top of the base yet), not an error.
    io.stderr.write(`ptelint: no commits in ${flags.git}: nothing to lint\n`);
    return EXIT_CLEAN;
  }
  let result: PatchRunResult = { ...run.result, findings: overrideSeverities(run.result.findings, settings.config) };
  if (settings.config) result = withoutIgnored(result, ignoreMatcher(settings.config), flags.tree ?? settings.config.dir);
  result = applyPatchBaseline(result, settings.baseline);
  result.summary = { ...result.summary, inputErrors: result.errors.length };
  const shown: PatchRunResult = flags.all ? result : { ...result, findings: result.findings.filter((f) => f.status !== 'unchanged') };
  const view: PatchView = {
    ...commonView(flags, io, settings),
    result,
    shown,
    alerts: { ...shown, findings: shown.findings.filter((f) => f.status !== 'baseline') },
    gated: { ...result, findings: result.findings.filter((f) => f.status !== 'baseline') },
    sourceLine: run.sourceLine,
    patchOf: (n) => run.patchOf?.(n),
  };
  writeAll(io, FORMATS[flags.format].patch!(view));
  return exitCodeForPatch(result, settings.failOn);
}

async function check(paths: string[], flags: CheckFlags, io: CliIo, command: Command): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const fromStdin = paths.length === 1 && paths[0] === '-';
  const first = fromStdin ? (flags.stdinFilename === '<stdin>' ? cwd : path.resolve(cwd, flags.stdinFilename)) : path.resolve(cwd, paths[0] ?? '.');
  const settings = await settingsFor(flags, command, io, first, first);
  if (typeof settings === 'number') return settings;
  const options: CheckOptions = { paths, prefilter: flags.prefilter };
  if (settings.only) options.only = settings.only;
  if (settings.disable) options.disable = settings.disable;
  if (settings.kernelVersion) options.kernelVersion = settings.kernelVersion;
  if (flags.jobs !== undefined) options.jobs = flags.jobs;
  if (settings.legacyArch) options.legacyArch = true;
  if (flags.shard) options.shard = flags.shard;
  const ignored = settings.config && ignoreMatcher(settings.config);
  if (ignored) options.ignored = ignored;
  let stdinText: string | undefined;
  if (fromStdin) {
    const bytes = await (io.readStdin ?? readProcessStdin)();
    options.stdin = { name: flags.stdinFilename, bytes };
    stdinText = bytes.toString('utf8');
  }
  const progress = progressDisplay(io.stderr, flags.quiet !== true);
  if (progress) options.onProgress = (p) => progress.update(p);
  if (flags.cache) options.cache = { dir: typeof flags.cache === 'string' ? flags.cache : defaultCacheDir(process.cwd(), io.env), version: io.version, strategy: flags.cacheStrategy };

  const raw = await io.runCheck(options);
  progress?.finish();
  let result: RunResult = { ...raw, findings: overrideSeverities(raw.findings, settings.config) };
  if (flags.writeBaseline) {
    await writeBaseline(flags.writeBaseline, result.findings);
    // The run that writes a baseline accepts what it found: its findings are the baseline's.
    result = applyCheckBaseline(result, { source: flags.writeBaseline, fingerprints: new Set(result.findings.map((f) => f.fingerprint)) });
    io.stderr.write(`ptelint: wrote ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} to the baseline ${flags.writeBaseline}\n`);
  } else {
    result = applyCheckBaseline(result, settings.baseline);
  }
  result.summary = { ...result.summary, inputErrors: result.errors.length };
  const alerts: RunResult = { ...result, findings: result.findings.filter((f) => !f.baseline) };
  const format = FORMATS[flags.format];
  let sourceLine: SourceLineLookup = () => undefined;
  if (format.codeFrames) {
    const load = io.loadSourceLines ?? loadSourceLines;
    const quoted = (flags.all ? result : alerts).findings.map((f) => f.file);
    sourceLine = stdinText !== undefined ? linesOf(flags.stdinFilename, stdinText) : await load(quoted);
  }
  writeAll(io, format.check!({ ...commonView(flags, io, settings), result, alerts, verbose: flags.verbose === true, sourceLine }));
  return exitCodeFor(result, settings.failOn);
}

/** What every format's view holds, from the flags and the settings. */
function commonView(
  flags: { all?: boolean; quiet?: boolean; color: ColorMode; timing?: boolean },
  io: CliIo,
  settings: { failOn: FailOn; config?: PtelintConfig },
): { rules: RuleDescriptor[]; version: string; color: { stdout: boolean; stderr: boolean }; all: boolean; quiet: boolean; failOn: FailOn; timing: boolean } {
  return {
    rules: io.rules.map((r) => ruleDescriptor(r, settings.config)),
    version: io.version,
    color: { stdout: shouldUseColor(io.stdout, io.env, flags.color), stderr: shouldUseColor(io.stderr, io.env, flags.color) },
    all: flags.all === true,
    quiet: flags.quiet === true,
    failOn: settings.failOn,
    timing: flags.timing === true,
  };
}

function writeAll(io: CliIo, writes: Write[]): void {
  for (const w of writes) io[w.to].write(w.text);
}

/** What the SARIF log says about a rule (reporters do not import the engine's Rule type). */
function ruleDescriptor(rule: Rule, config?: PtelintConfig): RuleDescriptor {
  const m = rule.meta;
  const setting = config?.rules[m.id];
  return {
    id: m.id,
    severity: setting === 'error' || setting === 'warning' || setting === 'note' ? setting : m.severity,
    summary: m.summary,
    why: m.docs.why,
    fix: m.docs.fix,
    category: m.category,
    confidence: m.confidence,
    catalogue: m.catalogue,
  };
}
