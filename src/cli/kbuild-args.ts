// The argument vector of `ptelint kbuild`: what kbuild hands a checker, `$(CHECK) $(CHECKFLAGS)
// $(c_flags) file.c`, i.e. sparse's flags, then gcc's, then the source file, with ptelint's own
// options anywhere among them. No general option parser can know gcc's hundreds of options, so
// this one knows ptelint's options, the gcc and sparse options that take their value as the next
// argument (so that value is not read as a source file), and the few it uses; everything else
// starting with `-` is accepted and ignored.

import type { MacroSetting } from '../lang/preprocess/build-profile.js';
import { macroValue } from '../lang/preprocess/build-profile.js';
import type { IncludeFlags } from '../input/kbuild-config.js';

/** ptelint's own options of the subcommand, with their values unparsed. */
export interface KbuildOwnOptions {
  failOn?: string;
  rule: string[];
  disable: string[];
  kernelVersion?: string;
  legacyArch: boolean;
  verbose: boolean;
  help: boolean;
}

export interface KbuildArgs extends IncludeFlags {
  own: KbuildOwnOptions;
  macros: MacroSetting[];
  files: string[];
}

const OWN_WITH_VALUE = new Set(['--fail-on', '--rule', '--disable', '--kernel-version']);

// gcc (Preprocessor, Directory, Overall, Linker and Developer options) and sparse options whose
// value may be the next argument. Joined forms (`-Idir`, `-DX=1`, `--param=x=1`) need no entry.
const SEPARATE_VALUE = new Set([
  '-D', '-U', '-I', '-include', '-imacros', '-isystem', '-idirafter', '-iquote', '-iprefix', '-iwithprefix',
  '-iwithprefixbefore', '-isysroot', '-imultilib', '-MF', '-MT', '-MQ', '-o', '-x', '-A', '-L', '-l', '-T', '-u',
  '-z', '-e', '-B', '-G', '-Xpreprocessor', '-Xassembler', '-Xlinker', '-aux-info', '-dumpbase', '-dumpbase-ext',
  '-dumpdir', '--param', '-gcc-base-dir', '-multiarch-dir',
]);

export class KbuildArgsError extends Error {}

export function parseKbuildArgs(argv: readonly string[]): KbuildArgs {
  const own: KbuildOwnOptions = { rule: [], disable: [], legacyArch: false, verbose: false, help: false };
  const searchDirs: string[] = [];
  const forcedIncludes: string[] = [];
  const args: KbuildArgs = { own, macros: [], files: [], searchDirs, forcedIncludes };
  const isystem: string[] = [];
  const idirafter: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      if (i + 1 >= argv.length) throw new KbuildArgsError(`option '${arg}' needs a value`);
      return argv[++i];
    };
    if (arg === '--help' || arg === '-h') {
      own.help = true;
      continue;
    }
    if (arg === '--legacy-arch') {
      own.legacyArch = true;
      continue;
    }
    if (arg === '--verbose') {
      own.verbose = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (OWN_WITH_VALUE.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : next();
      if (name === '--fail-on') own.failOn = value;
      else if (name === '--rule') own.rule.push(value);
      else if (name === '--disable') own.disable.push(value);
      else own.kernelVersion = value;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      args.files.push(arg);
      continue;
    }
    const joined = (flag: string): string | undefined => (arg.startsWith(flag) && arg.length > flag.length ? arg.slice(flag.length) : undefined);
    const value = (flag: string): string | undefined => (arg === flag ? next() : joined(flag));
    let v: string | undefined;
    if ((v = value('-include')) !== undefined || (v = value('-imacros')) !== undefined) forcedIncludes.push(v);
    else if ((v = value('-isystem')) !== undefined) isystem.push(v);
    else if ((v = value('-idirafter')) !== undefined) idirafter.push(v);
    else if (/^-i[a-z]/.test(arg)) {
      if (SEPARATE_VALUE.has(arg)) next(); // -iquote and the prefix options: not searched for <...>
    } else if ((v = value('-I')) !== undefined) {
      if (v !== '-') searchDirs.push(v); // `-I-` is an old gcc separator, not a directory
    } else if ((v = value('-D')) !== undefined) args.macros.push(define(v));
    else if ((v = value('-U')) !== undefined) args.macros.push({ name: v, value: false });
    else if (SEPARATE_VALUE.has(arg)) next();
  }
  searchDirs.push(...isystem, ...idirafter);
  return args;
}

/** `-DNAME` is NAME=1, `-DNAME=VALUE` is VALUE (gcc). */
function define(text: string): MacroSetting {
  const eq = text.indexOf('=');
  if (eq < 0) return { name: text, value: 1 };
  return { name: text.slice(0, eq), value: macroValue(text.slice(eq + 1)) };
}
