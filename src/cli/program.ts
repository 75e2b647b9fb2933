// The command line: flags -> CheckOptions, RunResult -> output and exit status, nothing else
// (DESIGN Part 1, Boundaries). The engine, the rule list and the streams come in through CliIo,
// so main.ts is the only file wired to the real ones and tests can drive every exit path.

import { Command, CommanderError, Option } from 'commander';
import type { Rule } from '../engine/define-rule.js';
import type { CheckOptions } from '../engine/run-options.js';
import type { KernelVersion } from '../kernel-version.js';
import type { PatchRunResult, RunResult } from '../finding.js';
import { shouldUseColor } from '../report/color.js';
import { formatJsonReport } from '../report/json.js';
import { formatGithubReport } from '../report/github.js';
import type { RuleDescriptor } from '../report/sarif.js';
import { formatSarifReport } from '../report/sarif.js';
import type { SourceLineLookup } from '../report/text.js';
import { formatTextErrors, formatTextFindings, formatTextFooter } from '../report/text.js';
import { loadSourceLines } from '../input/source-lines.js';
import { EXIT_CLEAN, EXIT_USAGE, exitCodeFor } from './exit-code.js';
import type { FailOn, OutputFormat } from './options.js';
import {
  FAIL_ON_LEVELS,
  OUTPUT_FORMATS,
  PATCH_OUTPUT_FORMATS,
  parseJobs,
  parseKernelVersionFlag,
  ruleIdListParser,
  validIdsText,
} from './options.js';
import { formatRuleExplanation, formatRuleTable } from './rule-text.js';
import type { PatchOptions, PatchRun } from '../engine/run-patch.js';
import { formatPatchJsonReport } from '../report/patch-json.js';
import { formatPatchText } from '../report/patch-text.js';
import { formatPatchMail } from '../report/patch-mail.js';
import { exitCodeForPatch } from './exit-code.js';
import { defaultCacheDir } from '../engine/result-cache.js';

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
}

interface PatchFlags {
  format: OutputFormat;
  tree?: string;
  git?: string;
  all?: boolean;
  rule?: string[];
  disable?: string[];
  failOn: FailOn;
  kernelVersion?: KernelVersion;
  legacyArch?: boolean;
}

interface CheckFlags {
  format: OutputFormat;
  rule?: string[];
  disable?: string[];
  failOn: FailOn;
  kernelVersion?: KernelVersion;
  jobs?: number;
  prefilter: boolean;
  verbose?: boolean;
  legacyArch?: boolean;
  cache?: string | true;
}

const LEGACY_ARCH_HELP =
  'legacy architectures, where *_mkdirty() can set the write bit (6.1 sparc64, older loongarch): also run the rules meant for them';

const EXIT_HELP = `
Exit status:
  0  nothing reached --fail-on
  1  a finding at or above --fail-on
  2  usage error, or no usable input at all`;

/** Runs one command line (without the `node ptelint` prefix) and returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
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
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--rule <ids>', 'run only these rules (comma-separated; turns on rules that are off by default)', ruleIdListParser(ruleIds))
    .option('--disable <ids>', 'never run these rules (comma-separated)', ruleIdListParser(ruleIds))
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit status 1').choices(FAIL_ON_LEVELS).default('warning'),
    )
    .option('--kernel-version <x.y>', 'kernel semantics to apply when the tree has no top-level Makefile', parseKernelVersionFlag)
    .option('--legacy-arch', LEGACY_ARCH_HELP)
    .option('--jobs <n>', 'threads, at most the number of cores (default: the number of cores; output is the same whatever the value)', parseJobs)
    .option('--no-prefilter', 'debugging aid: parse every function, even those without any rule keyword')
    .option('--verbose', 'list every function that could not be fully analyzed')
    .option('--cache [dir]', 'reuse the results of unchanged files from earlier runs (default dir: node_modules/.cache/ptelint if ./node_modules exists, else ~/.cache/ptelint)')
    .addHelpText('after', EXIT_HELP)
    .action(async (paths: string[], flags: CheckFlags) => {
      setStatus(await check(paths, flags, io));
    });

  program
    .command('patch')
    .description('lint patches: what each patch introduces and what it fixes')
    .argument('[inputs...]', 'patch files, git format-patch mails, mbox series, review replies quoting a diff; - reads standard input')
    .option('--tree <dir>', 'kernel tree the patches apply to (exact pre- and post-images)')
    .option('--git <range>', 'lint the commits of a git range in the current repository (e.g. origin/master..HEAD)')
    .option('--all', 'also print findings the patch neither introduces nor fixes')
    .addOption(new Option('--format <format>', 'output format (mail: a reply quoting the patch, findings under their lines)').choices(PATCH_OUTPUT_FORMATS).default('text'))
    .option('--rule <ids>', 'run only these rules (comma-separated)', ruleIdListParser(ruleIds))
    .option('--disable <ids>', 'never run these rules (comma-separated)', ruleIdListParser(ruleIds))
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity of an introduced finding that makes the exit status 1')
        .choices(FAIL_ON_LEVELS)
        .default('warning'),
    )
    .option('--kernel-version <x.y>', 'kernel semantics when there is no tree to read the version from', parseKernelVersionFlag)
    .option('--legacy-arch', LEGACY_ARCH_HELP)
    .addHelpText('after', EXIT_HELP)
    .action(async (inputs: string[], flags: PatchFlags, command: Command) => {
      if (!flags.git && inputs.length === 0) {
        command.error('error: give patch files, - for standard input, or --git <range>', { exitCode: EXIT_USAGE });
      }
      if (flags.git && flags.tree) command.error('error: --git and --tree exclude each other', { exitCode: EXIT_USAGE });
      setStatus(await patch(inputs, flags, io));
    });

  program
    .command('rules')
    .description('list the rules')
    .action(() => {
      io.stdout.write(formatRuleTable(io.rules));
    });

  program
    .command('explain')
    .description('explain one rule: why, examples, how to fix, limits')
    .argument('<rule-id>')
    .action((id: string) => {
      const rule = io.rules.find((r) => r.meta.id === id);
      if (!rule) {
        io.stderr.write(`ptelint: unknown rule '${id}'; ${validIdsText(ruleIds)}\n`);
        setStatus(EXIT_USAGE);
        return;
      }
      io.stdout.write(formatRuleExplanation(rule));
    });

  return program;
}

async function patch(inputs: string[], flags: PatchFlags, io: CliIo): Promise<number> {
  if (!io.runPatch) throw new Error('the patch engine is not wired into this CLI');
  const options: PatchOptions = { inputs };
  if (flags.tree) options.tree = flags.tree;
  if (flags.git) options.git = flags.git;
  if (flags.rule) options.only = flags.rule;
  if (flags.disable) options.disable = flags.disable;
  if (flags.kernelVersion) options.kernelVersion = flags.kernelVersion;
  if (flags.legacyArch) options.legacyArch = true;
  const run = await io.runPatch(options);
  const result = run.result;
  // Machine formats carry unchanged findings only with --all, as the text does.
  const shown: PatchRunResult = flags.all ? result : { ...result, findings: result.findings.filter((f) => f.status !== 'unchanged') };
  if (flags.format === 'json') {
    io.stdout.write(formatPatchJsonReport(shown));
  } else if (flags.format === 'sarif') {
    io.stdout.write(formatSarifReport(shown, io.rules.map(ruleDescriptor), io.version));
  } else if (flags.format === 'github') {
    io.stdout.write(formatGithubReport(result, { all: flags.all === true }));
  } else if (flags.format === 'mail') {
    io.stdout.write(formatPatchMail(result, (n) => run.patchOf?.(n), { all: flags.all === true }));
    io.stderr.write(formatTextErrors(result.errors, { color: shouldUseColor(io.stderr, io.env) }));
  } else {
    io.stdout.write(formatPatchText(result, { color: shouldUseColor(io.stdout, io.env), all: flags.all === true, sourceLine: run.sourceLine }));
    io.stderr.write(formatTextErrors(result.errors, { color: shouldUseColor(io.stderr, io.env) }));
  }
  return exitCodeForPatch(result, flags.failOn);
}

async function check(paths: string[], flags: CheckFlags, io: CliIo): Promise<number> {
  const options: CheckOptions = { paths, prefilter: flags.prefilter };
  if (flags.rule) options.only = flags.rule;
  if (flags.disable) options.disable = flags.disable;
  if (flags.kernelVersion) options.kernelVersion = flags.kernelVersion;
  if (flags.jobs !== undefined) options.jobs = flags.jobs;
  if (flags.legacyArch) options.legacyArch = true;
  if (flags.cache) options.cache = { dir: typeof flags.cache === 'string' ? flags.cache : defaultCacheDir(process.cwd(), io.env), version: io.version };

  const result = await io.runCheck(options);

  if (flags.format === 'json') {
    // Errors travel inside the JSON (and the SARIF, and the workflow commands): a script reading
    // stdout must not also have to parse stderr.
    io.stdout.write(formatJsonReport(result));
  } else if (flags.format === 'sarif') {
    io.stdout.write(formatSarifReport(result, io.rules.map(ruleDescriptor), io.version));
  } else if (flags.format === 'github') {
    io.stdout.write(formatGithubReport(result));
  } else {
    const load = io.loadSourceLines ?? loadSourceLines;
    const sourceLine = await load(result.findings.map((f) => f.file));
    const stdoutColor = shouldUseColor(io.stdout, io.env);
    io.stdout.write(formatTextFindings(result.findings, { color: stdoutColor, sourceLine }));
    io.stderr.write(formatTextErrors(result.errors, { color: shouldUseColor(io.stderr, io.env) }));
    io.stdout.write(formatTextFooter(result, { color: stdoutColor, verbose: flags.verbose === true }));
  }
  return exitCodeFor(result, flags.failOn);
}

/** What the SARIF log says about a rule (reporters do not import the engine's Rule type). */
function ruleDescriptor(rule: Rule): RuleDescriptor {
  const m = rule.meta;
  return {
    id: m.id,
    severity: m.severity,
    summary: m.summary,
    why: m.docs.why,
    fix: m.docs.fix,
    category: m.category,
    confidence: m.confidence,
    catalogue: m.catalogue,
  };
}
