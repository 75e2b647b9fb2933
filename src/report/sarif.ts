// SARIF 2.1.0 for code-scanning services (GitHub code scanning, IDE SARIF viewers): one run, the
// rules as reportingDescriptors, one result per finding. Like the JSON reporter, the bytes are a
// function of the input alone: objects are built field by field in a fixed key order, every array
// is sorted, and nothing time- or machine-dependent (timestamps, the working directory) goes in.
//
// Reporters import only the finding types (docs/architecture.md, "Layers"), so the rule metadata comes
// in as RuleDescriptor; the CLI maps each Rule onto one.

import type { Finding, Incomplete, InputError, PatchFinding, PatchRunResult, RunResult, Severity } from '../finding.js';
import { compareStrings, errorOrder, findingOrder, incompleteOrder } from '../result-order.js';
import { INFORMATION_URI, ruleHelpUri } from './doc-links.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
/** The partialFingerprints key: bump the version if Finding.fingerprint ever changes meaning. */
export const FINGERPRINT_KEY = 'ptelint/v1';

/** The part of a rule's metadata the SARIF log describes it with. */
export interface RuleDescriptor {
  id: string;
  severity: Severity;
  /** One line ("Detect ..."): shortDescription. */
  summary: string;
  /** Why this is a bug: fullDescription. */
  why: string;
  /** How to fix it: help. */
  fix: string;
  category: string;
  confidence: string;
  /** The catalogue number (R1, R2, ...), kept as a property for cross-reference. */
  catalogue: string;
}

// ---- The subset of the SARIF 2.1.0 object model written here (names as in the spec). ----

type SarifLevel = 'none' | 'note' | 'warning' | 'error';

interface SarifMessage {
  text: string;
}

/** A message with a Markdown rendering beside its plain text (SARIF 2.1.0 section 3.11.4: viewers choose). */
interface SarifRichMessage extends SarifMessage {
  markdown: string;
}

interface SarifArtifactLocation {
  uri: string;
  /** Present only on relative references (SARIF 2.1.0 section 3.4.4): the directory ptelint ran in. */
  uriBaseId?: string;
}

interface SarifRegion {
  startLine: number;
  startColumn?: number;
}

interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: SarifRegion;
}

interface SarifLogicalLocation {
  name: string;
  kind: 'function';
}

interface SarifLocation {
  physicalLocation: SarifPhysicalLocation;
  logicalLocations?: SarifLogicalLocation[];
}

interface SarifReportingDescriptor {
  id: string;
  /** A Pascal-case friendly name (SARIF2012): `pte-write-grant-unjustified` -> `PteWriteGrantUnjustified`. */
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  helpUri: string;
  help: SarifRichMessage;
  defaultConfiguration: { level: SarifLevel };
  properties: { category: string; confidence: string; catalogue: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: SarifRichMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  /** `help`: how to fix this finding (it can be more specific than the rule's help). */
  properties: { help: string; status?: PatchFinding['status']; partial?: boolean };
}

interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
}

interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications: SarifNotification[];
}

interface SarifRun {
  tool: { driver: { name: string; version: string; informationUri: string; rules: SarifReportingDescriptor[] } };
  invocations: SarifInvocation[];
  /** Finding.column counts UTF-16 code units (tree-sitter parses the JS string): SARIF's default, said explicitly. */
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}

/** The SARIF base id of relative artifact URIs: the directory ptelint was run in. */
export const SOURCE_ROOT = '%SRCROOT%';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', note: 'note' };

export function formatSarifReport(result: RunResult | PatchRunResult, rules: RuleDescriptor[], toolVersion: string): string {
  const sortedRules = [...rules].sort((a, b) => compareStrings(a.id, b.id));
  const ruleIndex = new Map(sortedRules.map((r, i) => [r.id, i]));

  // Patch mode: a SARIF log describes the code as it is, here the code after the patch. A `fixed`
  // finding sits in the pre-image only, so it is not a result at all (uploading it would open an
  // alert on code the patch removed); `introduced` and `unchanged` findings are both in the
  // post-image and stay, with their status in `properties`. Which of those the caller passes in
  // (`--all` or not) is the caller's choice.
  const findings: Finding[] = isPatchRun(result) ? result.findings.filter((f) => f.status !== 'fixed') : result.findings;

  const log: SarifLog = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: 'ptelint',
            version: toolVersion,
            informationUri: INFORMATION_URI,
            rules: sortedRules.map((r) => reportingDescriptor(r, toolVersion)),
          },
        },
        invocations: [
          {
            executionSuccessful: !noUsableInput(result),
            toolExecutionNotifications: [
              ...[...result.errors].sort(errorOrder).map(errorNotification),
              ...[...result.incomplete].sort(incompleteOrder).map(incompleteNotification),
            ],
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: [...findings].sort(findingOrder).map((f) => sarifResult(f, ruleIndex.get(f.rule))),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function isPatchRun(result: RunResult | PatchRunResult): result is PatchRunResult {
  return 'patches' in result;
}

function isPatchFinding(finding: Finding): finding is PatchFinding {
  return 'status' in finding;
}

/** The exit-status-2 condition of src/cli/exit-code.ts: nothing usable was analyzed at all. */
function noUsableInput(result: RunResult | PatchRunResult): boolean {
  if (isPatchRun(result) && result.patches.length === 0) return true;
  return result.errors.length > 0 && result.summary.files === 0;
}

function reportingDescriptor(rule: RuleDescriptor, toolVersion: string): SarifReportingDescriptor {
  const helpUri = ruleHelpUri(rule.id, toolVersion);
  return {
    id: rule.id,
    name: friendlyName(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.why },
    helpUri,
    help: {
      text: `How to fix: ${rule.fix}\n\nThe rule, with flagged and clean examples and its limits: ${helpUri}`,
      // The fix texts already mark code with backticks.
      markdown: `**How to fix:** ${rule.fix}\n\n[The rule, with flagged and clean examples and its limits](${helpUri})`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { category: rule.category, confidence: rule.confidence, catalogue: rule.catalogue },
  };
}

function sarifResult(f: Finding, index: number | undefined): SarifResult {
  const out: SarifResult = {
    ruleId: f.rule,
    // Absent when the rule is not among the descriptors (a caller that passed a subset): a wrong
    // index would be worse than none.
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message, markdown: f.help ? `${escapeMarkdown(f.message)}\n\n**help:** ${f.help}` : escapeMarkdown(f.message) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file),
          region: { startLine: f.line, startColumn: f.column },
        },
        logicalLocations: [{ name: f.function, kind: 'function' }],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: { help: f.help },
  };
  if (isPatchFinding(f)) out.properties = { help: f.help, status: f.status, partial: f.partial };
  return out;
}

function friendlyName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** A message is plain text (`pte_t *ptep`, `a_b_c`): keep Markdown from reading it as emphasis. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|~]/g, (c) => `\\${c}`);
}

function errorNotification(e: InputError): SarifNotification {
  const n: SarifNotification = { level: 'error', message: { text: e.message } };
  // `-` is standard input: there is no artifact to point at.
  if (e.file !== '' && e.file !== '-') n.locations = [{ physicalLocation: { artifactLocation: artifactLocation(e.file) } }];
  return n;
}

function incompleteNotification(i: Incomplete): SarifNotification {
  return {
    level: 'note',
    message: { text: `function '${i.function}' not fully analyzed: ${i.reason}` },
    locations: [
      {
        physicalLocation: { artifactLocation: artifactLocation(i.file), region: { startLine: i.line } },
        logicalLocations: [{ name: i.function, kind: 'function' }],
      },
    ],
  };
}

function artifactLocation(file: string): SarifArtifactLocation {
  const uri = fileUri(file);
  return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: SOURCE_ROOT };
}

/**
 * A finding's file as a URI reference, the same whatever platform it is printed on: a relative
 * path stays a relative reference (forward slashes, `.` segments dropped, each segment
 * percent-encoded, so spaces, `%`, `#`, `?` and a `:` that would read as a scheme are safe); an
 * absolute path becomes a `file://` URI. Backslashes are taken as Windows separators.
 */
export function fileUri(file: string): string {
  const path = wellFormed(file).replace(/\\/g, '/');
  const encode = (segments: string[]) => segments.map((s) => encodeURIComponent(s)).join('/');
  const drive = /^([A-Za-z]:)\//.exec(path);
  if (drive) return `file:///${drive[1]}/${encode(path.slice(3).split('/'))}`;
  if (path.startsWith('//')) return `file:${encode(path.split('/'))}`; // UNC: //host/share/...
  if (path.startsWith('/')) return `file://${encode(path.split('/'))}`;
  const segments = path.split('/').filter((s) => s !== '.' && s !== '');
  return segments.length === 0 ? '.' : encode(segments);
}

/** encodeURIComponent throws on a lone surrogate; a path cannot name one on disk anyway. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
