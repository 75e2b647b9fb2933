// The argument vector kbuild gives its checker, read by `ptelint kbuild`'s own parser.

import { describe, expect, test } from 'vitest';
import { KbuildArgsError, parseKbuildArgs } from '../../src/cli/kbuild-args.js';
import { kbuildCheckArgv } from './kbuild-command-lines.js';

const ARGV = kbuildCheckArgv({ srctree: '/src/linux', obj: 'mm', base: 'memory', file: '/src/linux/mm/memory.c' });

describe('parseKbuildArgs on a recorded kbuild command line', () => {
  const args = parseKbuildArgs(ARGV);

  test('the source file is the only operand', () => {
    expect(args.files).toEqual(['/src/linux/mm/memory.c']);
  });

  test('-I directories in order, source and build tree', () => {
    expect(args.searchDirs).toEqual([
      '/src/linux/arch/x86/include', './arch/x86/include/generated', '/src/linux/include', './include',
      '/src/linux/arch/x86/include/uapi', './arch/x86/include/generated/uapi', '/src/linux/include/uapi',
      './include/generated/uapi', '/src/linux/mm', 'mm',
    ]);
  });

  test('-include files, and -D/-U in order with their values', () => {
    expect(args.forcedIncludes).toEqual([
      '/src/linux/include/linux/compiler-version.h', '/src/linux/include/linux/kconfig.h', '/src/linux/include/linux/compiler_types.h',
    ]);
    expect(args.macros).toEqual([
      { name: '__linux__', value: 1 }, { name: 'linux', value: 1 }, { name: '__STDC__', value: 1 }, { name: 'unix', value: 1 },
      { name: '__unix__', value: 1 }, { name: '__x86_64__', value: 1 }, { name: '__KERNEL__', value: 1 },
      { name: 'KBUILD_MODFILE', value: null }, { name: 'KBUILD_BASENAME', value: null }, { name: 'KBUILD_MODNAME', value: null },
      { name: '__KBUILD_MODNAME', value: null },
    ]);
  });

  test('no ptelint option is taken from gcc\'s or sparse\'s flags', () => {
    expect(args.own).toEqual({ rule: [], disable: [], legacyArch: false, verbose: false, help: false });
  });
});

describe('parseKbuildArgs', () => {
  test('ptelint options anywhere, joined or separate; gcc options with a separate value do not become files', () => {
    const args = parseKbuildArgs([
      '--fail-on', 'warning', '-D', 'MODULE', '-U', 'CONFIG_X', '-isystem', '/usr/lib/gcc/include', '-o', '/dev/null',
      '-MF', 'dep.d', '--param', 'allow-store-data-races=0', '-x', 'c', '--rule=uffd-wp-propagate', '-iquote', 'q',
      '-idirafter', 'after', '-imacros', 'macros.h', '-I', 'inc', '-I-', 'file.c', '--legacy-arch', '--kernel-version=6.1',
    ]);
    expect(args.files).toEqual(['file.c']);
    expect(args.own).toMatchObject({ failOn: 'warning', rule: ['uffd-wp-propagate'], legacyArch: true, kernelVersion: '6.1' });
    expect(args.macros).toEqual([{ name: 'MODULE', value: 1 }, { name: 'CONFIG_X', value: false }]);
    // <...> includes search -I, then -isystem, then -idirafter; -iquote only serves "...".
    expect(args.searchDirs).toEqual(['inc', '/usr/lib/gcc/include', 'after']);
    expect(args.forcedIncludes).toEqual(['macros.h']);
  });

  test('an option missing its value is a usage error naming it', () => {
    expect(() => parseKbuildArgs(['file.c', '-include'])).toThrow(KbuildArgsError);
    expect(() => parseKbuildArgs(['file.c', '--fail-on'])).toThrow(/'--fail-on' needs a value/);
  });
});
