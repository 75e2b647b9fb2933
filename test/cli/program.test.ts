// The CLI's own job, flags -> CheckOptions and RunResult -> output and exit status, driven
// through runCli with a stand-in for the engine: with no rules registered yet, the real engine
// cannot produce the findings that exit codes 1 and 0-under---fail-on need.

import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/program.js';
import { runFakeCli, type FakeRun } from './fake-cli.js';
import type { Rule } from '../../src/engine/define-rule.js';
import type { Finding, RunResult, Severity } from '../../src/finding.js';

function finding(severity: Severity, over: Partial<Finding> = {}): Finding {
  return {
    rule: 'alpha-rule',
    severity,
    file: 'mm/x.c',
    line: 1,
    column: 1,
    function: 'f',
    message: 'something is off',
    help: 'fix it',
    fingerprint: 'fp',
    ...over,
  };
}

function result(over: Partial<RunResult> = {}): RunResult {
  return { findings: [], errors: [], incomplete: [], summary: { files: 1, functions: 1, findings: 0, durationMs: 3 }, ...over };
}

function rule(id: string, enabledByDefault = true): Rule {
  return {
    meta: {
      id,
      catalogue: 'R9',
      severity: 'warning',
      category: 'suspicious',
      confidence: 'medium',
      enabledByDefault,
      summary: `Detect the ${id} defect`,
      messages: { found: 'found' },
      docs: {
        why: 'Because the write bit would leak.',
        fix: 'Apply pte_wrprotect().',
        limits: 'No aliasing.',
        references: ['mm/rmap.c: try_to_unmap_one()'],
        examples: { invalid: ['\nvoid bad(void)\n{\n\tset_pte_at(mm, a, p, pte);\n}\n'], valid: ['void good(void) {}'] },
      },
      keywords: ['set_pte_at'],
    },
    check() {},
  };
}

type Run = FakeRun;

function run(argv: string[], over: Partial<CliIo> & { result?: RunResult } = {}): Promise<Run> {
  const { result: answer, ...io } = over;
  return runFakeCli(argv, [rule('beta-rule', false), rule('alpha-rule')], () => answer ?? result(), io);
}

describe('check: flags to CheckOptions', () => {
  it('defaults to the current directory with the prefilter on', async () => {
    const r = await run(['check']);
    expect(r.options).toEqual([{ paths: ['.'], prefilter: true }]);
    expect(r.status).toBe(0);
  });

  it('maps every flag', async () => {
    const r = await run([
      'check', 'mm', 'include/linux/mm.h',
      '--rule', 'alpha-rule', '--rule', 'beta-rule,alpha-rule',
      '--disable', 'beta-rule',
      '--kernel-version', '6.1', '--jobs', '3', '--no-prefilter',
    ]);
    expect(r.options).toEqual([
      {
        paths: ['mm', 'include/linux/mm.h'],
        only: ['alpha-rule', 'beta-rule'],
        disable: ['beta-rule'],
        kernelVersion: { major: 6, minor: 1 },
        jobs: 3,
        prefilter: false,
      },
    ]);
  });

  it('maps --cache and --cache-strategy, and refuses an unknown strategy', async () => {
    const plain = await run(['check', '--cache', '/tmp/c']);
    expect(plain.options[0].cache).toMatchObject({ dir: '/tmp/c', strategy: 'content' });
    const stat = await run(['check', '--cache', '/tmp/c', '--cache-strategy', 'metadata']);
    expect(stat.options[0].cache).toMatchObject({ dir: '/tmp/c', strategy: 'metadata' });
    const bad = await run(['check', '--cache', '--cache-strategy', 'mtime']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--cache-strategy.*mtime/s);
  });
});

describe('check: exit status', () => {
  it('is 1 when a finding reaches the default --fail-on warning, 0 below it', async () => {
    expect((await run(['check'], { result: result({ findings: [finding('warning')] }) })).status).toBe(1);
    expect((await run(['check'], { result: result({ findings: [finding('error')] }) })).status).toBe(1);
    expect((await run(['check'], { result: result({ findings: [finding('note')] }) })).status).toBe(0);
  });

  it('follows --fail-on', async () => {
    const notes = result({ findings: [finding('note')] });
    const warnings = result({ findings: [finding('warning')] });
    expect((await run(['check', '--fail-on', 'note'], { result: notes })).status).toBe(1);
    expect((await run(['check', '--fail-on', 'error'], { result: warnings })).status).toBe(0);
    expect((await run(['check', '--fail-on', 'never'], { result: result({ findings: [finding('error')] }) })).status).toBe(0);
  });

  it('is 2 when there were input errors and no usable file at all', async () => {
    const r = await run(['check', 'nope'], {
      result: result({ errors: [{ file: 'nope', message: 'no such file or directory' }], summary: { files: 0, functions: 0, findings: 0, durationMs: 1 } }),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('nope: error: no such file or directory\n');
  });

  it('takes the status from the findings when some files were usable, still printing the errors', async () => {
    const errors = [{ file: 'mm/bin.c', message: 'binary file (contains a NUL byte)' }];
    const clean = await run(['check', 'mm'], { result: result({ errors }) });
    expect(clean.status).toBe(0);
    expect(clean.stderr).toBe('mm/bin.c: error: binary file (contains a NUL byte)\n');
    expect((await run(['check', 'mm'], { result: result({ errors, findings: [finding('error')] }) })).status).toBe(1);
  });
});

describe('check: output', () => {
  const findings = [finding('warning', { line: 2, column: 2 })];
  const withFindings = result({ findings, summary: { files: 1, functions: 1, findings: 1, durationMs: 3 } });

  it('prints text findings and the summary on stdout', async () => {
    const r = await run(['check', 'mm'], {
      result: withFindings,
      loadSourceLines: async (files) => {
        expect(files).toEqual(['mm/x.c']);
        return (file, line) => (file === 'mm/x.c' && line === 2 ? '\tpte = pte_mkwrite(pte, vma);' : undefined);
      },
    });
    expect(r.stdout).toBe(
      'mm/x.c:2:2: warning: something is off [alpha-rule]\n' +
        ' 2 |         pte = pte_mkwrite(pte, vma);\n' +
        '   |         ^\n' +
        '  = help: fix it\n' +
        '\n' +
        '1 file, 1 function, 1 finding (0 errors, 1 warning, 0 notes) in 3 ms\n',
    );
    expect(r.stderr).toBe('');
  });

  it('colours a TTY, not when NO_COLOR is set, not when piped', async () => {
    const tty = (s: { text: string }) => ({ write: (x: string) => (s.text += x), isTTY: true });
    const out = { text: '' };
    await run(['check'], { result: withFindings, stdout: tty(out) });
    expect(out.text).toMatch(/\u001b\[/);
    const noColor = { text: '' };
    await run(['check'], { result: withFindings, stdout: tty(noColor), env: { NO_COLOR: '1' } });
    expect(noColor.text).not.toMatch(/\u001b\[/);
    expect((await run(['check'], { result: withFindings })).stdout).not.toMatch(/\u001b\[/);
  });

  it('lists incomplete functions only with --verbose', async () => {
    const incomplete = [{ file: 'mm/x.c', function: 'g', line: 9, reason: 'parse error' }];
    expect((await run(['check'], { result: result({ incomplete }) })).stdout).toContain('note: 1 function not fully analyzed');
    expect((await run(['check', '--verbose'], { result: result({ incomplete }) })).stdout).toContain(
      "mm/x.c:9: note: function 'g' not fully analyzed: parse error",
    );
  });

  it('prints JSON only on stdout, errors included, nothing on stderr', async () => {
    const errors = [{ file: 'mm/bin.c', message: 'binary file (contains a NUL byte)' }];
    const r = await run(['check', '--format', 'json'], { result: result({ findings, errors }) });
    expect(r.stderr).toBe('');
    const parsed = JSON.parse(r.stdout);
    expect(parsed.version).toBe(1);
    expect(parsed.errors).toEqual(errors);
    expect(parsed.findings[0]).not.toHaveProperty('help');
    expect(r.status).toBe(1);
  });

  it('puts the run time in the JSON only with --timing', async () => {
    const plain = JSON.parse((await run(['check', '--format', 'json'], { result: result() })).stdout);
    expect(plain.summary).toEqual({ files: 1, functions: 1, findings: 0 });
    const timed = JSON.parse((await run(['check', '--format', 'json', '--timing'], { result: result() })).stdout);
    expect(timed.summary).toEqual({ files: 1, functions: 1, findings: 0, durationMs: 3 });
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['frobnicate']],
    [[]],
    [['check', '--jobs', '0']],
    [['check', '--jobs', '1.5']],
    [['check', '--jobs', 'many']],
    [['check', '--format', 'xml']],
    [['check', '--fail-on', 'sometimes']],
    [['check', '--kernel-version', 'latest']],
    [['check', '--rule', 'no-such-rule']],
    [['check', '--disable', 'alpha-rule,typo']],
    [['check', '--rule', ',']],
    [['check', '--unknown-flag']],
    [['rules', 'extra']],
    [['explain']],
  ])('%j', async (argv) => {
    const r = await run(argv);
    expect(r.status).toBe(2);
    expect(r.options).toEqual([]);
    expect(r.stderr).not.toBe('');
  });

  it('names the valid ids when a rule id is unknown', async () => {
    const r = await run(['check', '--rule', 'typo']);
    expect(r.stderr).toContain("unknown rule 'typo'; valid ids: alpha-rule, beta-rule");
  });

  it('exits 0 for --help and --version', async () => {
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: ptelint');
    expect((await run(['check', '--help'])).stdout).toContain('--fail-on');
    const version = await run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toBe('9.9.9\n');
  });
});

describe('rules and explain', () => {
  it('lists the rules sorted by id with severity, default and summary', async () => {
    const r = await run(['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'ID          SEVERITY  DEFAULT  SUMMARY\n' +
        'alpha-rule  warning   on       Detect the alpha-rule defect\n' +
        'beta-rule   warning   off      Detect the beta-rule defect\n',
    );
  });

  it('says so when no rule is registered', async () => {
    expect((await run(['rules'], { rules: [] })).stdout).toBe('no rules are registered yet\n');
  });

  it('explains a rule with every section', async () => {
    const r = await run(['explain', 'beta-rule']);
    expect(r.status).toBe(0);
    const headings = ['Why this is a bug', 'Flagged', 'Not flagged', 'How to fix', 'Limits and false positives', 'References'];
    let at = 0;
    for (const heading of headings) {
      const next = r.stdout.indexOf(`\n${heading}\n`, at);
      expect(next, heading).toBeGreaterThan(at - 1);
      at = next;
    }
    expect(r.stdout).toContain('beta-rule (R9)\nDetect the beta-rule defect\n');
    expect(r.stdout).toContain('severity: warning   category: suspicious   confidence: medium   default: off (run with --rule beta-rule)');
    expect(r.stdout).toContain('    void bad(void)\n    {\n    \tset_pte_at(mm, a, p, pte);\n    }\n');
    expect(r.stdout).toContain('  - mm/rmap.c: try_to_unmap_one()');
  });

  it('exits 2 for an unknown id and lists the valid ones', async () => {
    const r = await run(['explain', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("ptelint: unknown rule 'nope'; valid ids: alpha-rule, beta-rule; catalogue ids: R9\n");
  });

  it('takes a catalogue id too, in either case; one that names two rules explains both, the default one first', async () => {
    const byId = await run(['explain', 'beta-rule']);
    const both = await run(['explain', 'r9']);
    expect(both.status).toBe(0);
    const alpha = (await run(['explain', 'alpha-rule'])).stdout;
    expect(both.stdout).toBe(`${alpha}\n${byId.stdout}`);
  });
});
