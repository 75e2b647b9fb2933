// `ptelint kbuild`: ptelint as kbuild's checker, `make C=1 CHECK="ptelint kbuild"` (C=2: every
// file). kbuild runs `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` from the build directory for each
// C file it compiles; this command takes the configuration of that compile (its -D/-U and the
// build's autoconf.h), analyzes the file as configured and reports in sparse's shape on stderr.
// Exit 0 unless --fail-on says otherwise: a checker that fails stops make, and sparse does not.

import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import type { CheckOptions } from '../engine/run-options.js';
import { detectKernelVersion } from '../input/kernel-tree.js';
import { locateAutoconf, readAutoconf, sourceTreeOf } from '../input/kbuild-config.js';
import { profileForBuild } from '../lang/preprocess/build-profile.js';
import { formatSparseReport } from '../report/sparse.js';
import { EXIT_USAGE, exitCodeFor } from './exit-code.js';
import { KbuildArgsError, parseKbuildArgs, type KbuildArgs } from './kbuild-args.js';
import type { FailOn } from './options.js';
import { FAIL_ON_LEVELS, parseKernelVersionFlag, ruleIdListParser } from './options.js';
import type { CliIo } from './program.js';

const USAGE = '[--fail-on <severity>] [--rule <ids>] [--disable <ids>] [--kernel-version <x.y>] [--legacy-arch] [--verbose] [sparse and gcc flags...] FILE...';

const DETAILS = `
Run by kbuild for each C file:
  make C=1 CHECK="ptelint kbuild" mm/      files being recompiled
  make C=2 CHECK="ptelint kbuild" mm/      every file
  make C=1 CHECK="ptelint kbuild" CF="--fail-on=warning" mm/   stop the build on a finding

Every flag kbuild passes (sparse's, then gcc's) is accepted. The configuration is taken from the
-D/-U flags and from include/generated/autoconf.h under the -I directories (the build tree), so
#if/#ifdef/IS_ENABLED(CONFIG_...) select the code that is compiled. Without autoconf.h, the default
x86_64 profile is used. Findings are printed on stderr as sparse prints them,
"file:line:col: warning: message [rule-id]"; a file that cannot be read is "file: error: message".

Exit status:
  0  nothing reached --fail-on (default: never, as sparse)
  1  a finding at or above --fail-on
  2  usage error, or no readable file`;

/** The entry `ptelint --help` lists; kbuild's arguments never go through commander (runKbuild). */
export function kbuildHelpCommand(): Command {
  return new Command('kbuild')
    .description("kernel build checker: make C=1 CHECK=\"ptelint kbuild\" (takes kbuild's compiler flags)")
    .usage(USAGE)
    .helpOption(false)
    .addHelpText('after', DETAILS);
}

export async function runKbuild(argv: string[], io: CliIo, cwd: string = process.cwd()): Promise<number> {
  let args: KbuildArgs;
  let options: CheckOptions;
  let failOn: FailOn;
  try {
    args = parseKbuildArgs(argv);
    if (args.own.help) {
      const command = kbuildHelpCommand();
      new Command('ptelint').addCommand(command); // so the usage line reads `ptelint kbuild`
      io.stdout.write(command.helpInformation());
      return 0;
    }
    if (args.files.length === 0) throw new KbuildArgsError('no source file given (kbuild passes it last)');
    failOn = parseFailOn(args.own.failOn);
    options = { paths: args.files.map((f) => path.resolve(cwd, f)), jobs: 1 };
    const ruleIds = io.rules.map((r) => r.meta.id);
    const ids = ruleIdListParser(ruleIds);
    if (args.own.rule.length) options.only = args.own.rule.reduce<string[]>((acc, v) => ids(v, acc), []);
    if (args.own.disable.length) options.disable = args.own.disable.reduce<string[]>((acc, v) => ids(v, acc), []);
    if (args.own.legacyArch) options.legacyArch = true;
    if (args.own.kernelVersion !== undefined) options.kernelVersion = parseKernelVersionFlag(args.own.kernelVersion);
  } catch (error) {
    if (!(error instanceof KbuildArgsError || error instanceof InvalidArgumentError)) throw error;
    io.stderr.write(`ptelint kbuild: error: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const autoconf = locateAutoconf(args, cwd);
  if (autoconf === undefined && (args.searchDirs.length > 0 || args.forcedIncludes.length > 0)) {
    // A kbuild command line always leads to autoconf.h; without it the results are those of the
    // default profile, not of this build, and that must not pass unnoticed.
    io.stderr.write('ptelint kbuild: warning: no generated/autoconf.h under the -I directories; analyzing with the default x86_64 configuration\n');
  }
  let symbols: Record<string, number | null> | undefined;
  try {
    symbols = autoconf === undefined ? undefined : readAutoconf(autoconf);
  } catch (error) {
    io.stderr.write(`${autoconf}: error: cannot read the build's configuration: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  options.profile = profileForBuild({ commandLine: args.macros, autoconf: symbols });
  // An out-of-tree module is not inside a kernel tree: the version is that of the tree it builds against.
  const tree = sourceTreeOf(args, cwd);
  const treeVersion = tree === undefined ? undefined : detectKernelVersion(tree);
  if (options.kernelVersion === undefined && treeVersion !== undefined) options.kernelVersion = treeVersion;
  if (args.own.verbose) io.stderr.write(`ptelint kbuild: configuration: ${autoconf ?? options.profile.name}\n`);
  // Paths are printed as kbuild passed them (absolute with O=), as sparse prints them.
  const display = new Map(options.paths.map((p, i) => [p, args.files[i]]));
  const result = await io.runCheck(options);
  const shown = (file: string): string => display.get(file) ?? file;
  io.stderr.write(
    formatSparseReport(
      {
        ...result,
        findings: result.findings.map((f) => ({ ...f, file: shown(f.file) })),
        errors: result.errors.map((e) => ({ ...e, file: shown(e.file) })),
        incomplete: result.incomplete.map((i) => ({ ...i, file: shown(i.file) })),
      },
      { verbose: args.own.verbose },
    ),
  );
  return exitCodeFor(result, failOn);
}

function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return 'never';
  if (!(FAIL_ON_LEVELS as readonly string[]).includes(value)) {
    throw new KbuildArgsError(`--fail-on '${value}' is invalid; allowed: ${FAIL_ON_LEVELS.join(', ')}`);
  }
  return value as FailOn;
}
