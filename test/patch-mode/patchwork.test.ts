// `ptelint patch --format patchwork`: per patch, a body Patchwork's `POST /api/patches/{id}/checks/`
// accepts, beside the patch's Message-ID. The body is checked against the CheckCreate schema of
// Patchwork's REST API (docs/api/schemas/latest/patchwork.yaml in getpatchwork/patchwork; the
// serializer is patchwork/api/check.py): `state` one of pending|success|warning|fail (required),
// `context` a slug `^[-a-zA-Z0-9_]+$` of 1..255 characters, `target_url` null or a URL of at most
// 200 characters (the model's URLField is blank=True, and pwclient's check-create sends '' by
// default), `description` free text, kept here to 255 characters.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT, gitDiff, grantFromVma, harmlessEdit, lineOf, migrateMail, removeTemps, RESTORE, tempDir } from './helpers.js';

afterAll(removeTemps);

const CLI = path.join(ROOT, 'dist/src/cli/main.js');

const BASE = RESTORE;
const BUGGY = grantFromVma(BASE);
const HARMLESS = harmlessEdit(BASE);

/** Patchwork's CheckCreate constraints: the list of what a body breaks (empty when it is valid). */
function checkCreateViolations(body: Record<string, unknown>): string[] {
  const bad: string[] = [];
  const allowed = new Set(['state', 'target_url', 'context', 'description']);
  for (const key of Object.keys(body)) if (!allowed.has(key)) bad.push(`unknown field ${key}`);
  if (!['pending', 'success', 'warning', 'fail'].includes(body.state as string)) bad.push(`state ${String(body.state)}`);
  const context = body.context as string;
  if (typeof context !== 'string' || !/^[-a-zA-Z0-9_]+$/.test(context) || context.length > 255) bad.push(`context ${context}`);
  const url = body.target_url;
  if (url !== null && (typeof url !== 'string' || url.length > 200 || (url !== '' && !/^https?:\/\/\S+$/.test(url)))) bad.push(`target_url ${String(url)}`);
  const description = body.description;
  if (description !== null && (typeof description !== 'string' || description.length > 255)) bad.push(`description ${String(description)}`);
  return bad;
}

interface Entry {
  message_id: string | null;
  subject: string;
  check: Record<string, unknown>;
}

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, 'patch', '--format', 'patchwork', ...args], { encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, entries: r.stdout ? (JSON.parse(r.stdout) as Entry[]) : [] };
}

describe('patch --format patchwork', () => {
  test('a two-patch series: one check per patch, in order, each beside its Message-ID', () => {
    const dir = tempDir();
    const series = path.join(dir, 'series.mbox');
    const first = migrateMail(BASE, BUGGY, '[PATCH 1/2] mm/migrate: restore write from the VMA', ['Message-ID: <20240101.1@example.org>']);
    const second = migrateMail(BUGGY, harmlessEdit(BUGGY), '[PATCH 2/2] mm/migrate: tweak', [
      'Message-ID: <20240101.2@example.org>',
    ]);
    // mbox: a blank line before each `From ` separator.
    writeFileSync(series, `${first}\n${second}`);
    const { status, entries, stderr } = run([series]);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(entries.map((e) => e.message_id)).toEqual(['20240101.1@example.org', '20240101.2@example.org']);
    expect(entries.map((e) => e.subject)).toEqual(['[PATCH 1/2] mm/migrate: restore write from the VMA', '[PATCH 2/2] mm/migrate: tweak']);
    for (const e of entries) expect(checkCreateViolations(e.check)).toEqual([]);
    const grantLine = lineOf(BUGGY, 'pte = pte_mkwrite(pte, vma);');
    expect(entries[0].check).toEqual({
      state: 'fail',
      context: 'ptelint',
      description: `1 error: mm/migrate.c:${grantLine} pte-write-grant-unjustified`,
      target_url: '',
    });
    // The second patch leaves the first one's bug as it is: not blamed for it.
    expect(entries[1].check).toEqual({ state: 'success', context: 'ptelint', description: 'no new findings', target_url: '' });
  });

  test('from standard input, a clean patch is a success; a bare diff has no Message-ID (null)', () => {
    const clean = run(['-'], migrateMail(BASE, HARMLESS, '[PATCH] tweak', ['Message-ID:\n <folded@example.org>']));
    expect(clean.status).toBe(0);
    expect(clean.entries).toHaveLength(1);
    expect(clean.entries[0].message_id).toBe('folded@example.org');
    expect(clean.entries[0].check.state).toBe('success');
    const bare = run(['-'], gitDiff(BASE, BUGGY, 'mm/migrate.c'));
    expect(bare.entries[0].message_id).toBeNull();
    expect(bare.entries[0].check.state).toBe('fail');
  });

  test('a hunk that does not apply to --tree: a warning check that says so, never a success', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\n');
    const mm = path.join(dir, 'mm');
    spawnSync('mkdir', [mm]);
    writeFileSync(path.join(mm, 'migrate.c'), 'static int other(void)\n{\n\treturn 0;\n}\n');
    const mail = migrateMail(BASE, BUGGY, '[PATCH] x', ['Message-ID: <x@example.org>']);
    const r = run(['--tree', dir, '-'], mail);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].check.state).not.toBe('success');
    expect(String(r.entries[0].check.description)).toContain('not fully analyzed');
    expect(checkCreateViolations(r.entries[0].check)).toEqual([]);
  });
});
