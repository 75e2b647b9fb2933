// Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool) as a test oracle: `validate` checks a
// log against the SARIF 2.1.0 schema and the SARIF validation rules (SARIF1xxx errors, SARIF2xxx
// warnings and notes). Every SARIF log the tests produce goes through it; errors and warnings fail
// the test, notes (style suggestions such as message ids instead of text) do not.
//
// The Multitool does not report a log that breaks the schema (an unknown `level`, say): it
// validates nothing in it and passes. So each log is also checked against the SARIF 2.1.0 JSON
// schema that the Multitool package ships, with Ajv (JSON Schema 2020-12, `uri` formats).
//
// npm skips the platform package's install script (`chmod u+x Sarif.Multitool`), so the run bit is
// set here; the binary is a self-contained .NET program, which needs ICU unless told to run with
// invariant globalization.

import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its function is the default export of the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const require = createRequire(import.meta.url);

function multitoolDir(): string {
  return path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
}

let schemaValidator: ValidateFunction | undefined;

/** The SARIF 2.1.0 schema errors of one log (empty when it conforms). */
export function sarifSchemaErrors(text: string): string[] {
  if (!schemaValidator) {
    const schema = JSON.parse(readFileSync(path.join(multitoolDir(), 'sarif-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    schemaValidator = ajv.compile(schema);
  }
  if (schemaValidator(JSON.parse(text))) return [];
  return (schemaValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

function multitoolBinary(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the SARIF Multitool package ships a linux-x64 binary only; this is ${process.platform}-${process.arch}`);
  }
  const bin = path.join(multitoolDir(), 'Sarif.Multitool');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    chmodSync(bin, statSync(bin).mode | 0o755);
  }
  return bin;
}

export interface MultitoolIssue {
  /** The name the log was given. */
  log: string;
  level: string;
  rule: string;
  message: string;
}

interface ValidationLog {
  runs: Array<{
    results?: Array<{
      ruleId?: string;
      level?: string;
      message?: { text?: string; arguments?: string[] };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }>;
    }>;
    invocations?: Array<{ executionSuccessful?: boolean; toolExecutionNotifications?: Array<{ message?: { text?: string } }> }>;
  }>;
}

/**
 * Validates each log (name -> SARIF text) against the schema and, in one Multitool run, against
 * the SARIF rules; returns every error and warning (empty when all are valid). Notes are left out.
 */
export function multitoolErrorsAndWarnings(logs: Map<string, string>): MultitoolIssue[] {
  const schemaIssues: MultitoolIssue[] = [...logs].flatMap(([log, text]) =>
    sarifSchemaErrors(text).map((message) => ({ log, level: 'error', rule: 'schema', message })),
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'ptelint-sarif-'));
  try {
    // A log that breaks the schema makes the Multitool skip the whole batch without a word: only
    // schema-valid logs go to it.
    const broken = new Set(schemaIssues.map((i) => i.log));
    const valid = [...logs.keys()].filter((name) => !broken.has(name));
    if (valid.length === 0) return schemaIssues;
    const files = valid.map((name, i) => {
      const file = path.join(dir, `${i}.sarif`);
      writeFileSync(file, logs.get(name)!);
      return { name, file };
    });
    const out = path.join(dir, 'validation.sarif');
    const run = spawnSync(multitoolBinary(), ['validate', ...files.map((f) => f.file), '--output', out, '--level', 'Error;Warning'], {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`Sarif.Multitool validate exited ${run.status}: ${run.stdout}\n${run.stderr}`);
    const validation = JSON.parse(readFileSync(out, 'utf8')) as ValidationLog;
    const nameOf = (uri: string | undefined) => files.find((f) => uri && decodeURIComponent(uri).endsWith(`/${path.basename(f.file)}`))?.name ?? uri ?? '?';
    const issues: MultitoolIssue[] = [];
    for (const r of validation.runs) {
      for (const inv of r.invocations ?? []) {
        if (inv.executionSuccessful === false) {
          issues.push({ log: '*', level: 'error', rule: 'execution', message: JSON.stringify(inv.toolExecutionNotifications ?? []) });
        }
      }
      for (const result of r.results ?? []) {
        // SARIF's default level is warning.
        const level = result.level ?? 'warning';
        if (level !== 'error' && level !== 'warning') continue;
        issues.push({
          log: nameOf(result.locations?.[0]?.physicalLocation?.artifactLocation?.uri),
          level,
          rule: result.ruleId ?? '?',
          message: result.message?.text ?? (result.message?.arguments ?? []).join(' | '),
        });
      }
    }
    return [...schemaIssues, ...issues];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
