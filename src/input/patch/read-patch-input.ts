// Entry point of the patch reader: bytes or text in, PatchInput out. Refusals (unreadable,
// binary, too large) and parse problems are PatchErrors naming the input; nothing here throws.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { describeFsError } from '../fs-error.js';
import type { Patch, PatchError, PatchInput } from '../../patch-types.js';
import { TextLines } from './lines.js';
import { readMail } from './mail.js';
import type { MailRead } from './mail.js';
import { splitMails } from './mbox.js';

const MIB = 1024 * 1024;
/** Larger inputs are refused: a whole kernel patch series is a few MiB. */
export const MAX_PATCH_INPUT_BYTES = 50 * MIB;

function displayName(input: string): string {
  return input === '-' ? 'standard input' : input;
}

function refusal(input: string, message: string): PatchInput {
  return { patches: [], errors: [{ input, message }] };
}

/** `[PATCH 0/N]`, `[PATCH v2 00/12]`, `[RFC PATCH 0/3]`: a series' cover letter. */
function isCoverLetter(subject: string): boolean {
  return /\[[^\]]{0,200}?\b0+\/\d+\]/.test(subject.slice(0, 300));
}

/** `[PATCH 2/3]`: a numbered patch of a series (which should carry a diff). */
function isNumberedPatch(subject: string): boolean {
  return /\[[^\]]{0,200}?\b0*[1-9]\d*\/\d+\]/.test(subject.slice(0, 300));
}

async function parseText(input: string, text: string): Promise<PatchInput> {
  const lines = new TextLines(text);
  const patches: Patch[] = [];
  const errors: PatchError[] = [];
  const missing: { mail: number; subject: string }[] = [];
  // format-patch --base writes the trailer once, in the cover letter when there is one: it is
  // the base of the whole series (later patches of a series find their files in the earlier ones).
  let seriesBase: string | undefined;

  const mails = splitMails(lines);
  for (let m = 0; m < mails.length; m++) {
    const mail: MailRead = await readMail(lines, mails[m], input);
    if (mail.baseCommit !== undefined && !mail.reply) seriesBase = mail.baseCommit;
    if (mail.files.length === 0) {
      // Mails without a diff are not patches: cover letters, replies, prose. Problems found in
      // them (a hunk without file header) still concern the input.
      errors.push(...mail.errors);
      if (!mail.reply && !isCoverLetter(mail.subject) && isNumberedPatch(mail.subject)) {
        missing.push({ mail: m + 1, subject: mail.subject });
      }
      continue;
    }
    const patch: Patch = {
      input,
      subject: mail.subject,
      index: patches.length + 1,
      files: mail.files,
      errors: mail.errors,
    };
    if (mail.commit !== undefined) patch.commit = mail.commit;
    if (mail.baseCommit !== undefined) patch.baseCommit = mail.baseCommit;
    if (mail.headers) patch.mail = mail.headers;
    patches.push(patch);
  }

  if (seriesBase !== undefined) for (const p of patches) p.baseCommit ??= seriesBase;
  if (patches.length === 0) {
    if (errors.length === 0) errors.push({ input, message: `no diff found in ${displayName(input)}` });
  } else {
    // In a series, a numbered patch without a diff was mangled on the way (or is missing a part).
    for (const { mail, subject } of missing) {
      errors.push({ input, line: lines.inputLine(mails[mail - 1].start), message: `mail ${mail} of ${displayName(input)} ("${subject}") has no diff` });
    }
  }
  return { patches, errors };
}

/** Parses a patch input given as text (`input` names it in errors: a file name, or `-`). */
export async function readPatchText(input: string, text: string): Promise<PatchInput> {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_PATCH_INPUT_BYTES) return refusal(input, tooLarge(displayName(input), size));
  return parseCheckedText(input, text);
}

/**
 * The size limit is on the input's own bytes. A file is measured before decoding: once decoded,
 * each invalid byte (a Latin-1 mail) is a 3-byte U+FFFD, and a 20 MiB file could be refused, and
 * reported, as larger than it is.
 */
function tooLarge(name: string, size: number | undefined): string {
  const limit = `${MAX_PATCH_INPUT_BYTES / (1024 * 1024)} MiB`;
  return size === undefined ? `${name} is larger than ${limit} (not read further)` : `${name} is ${formatSize(size)}, larger than ${limit}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB (${bytes} bytes)` : `${bytes} bytes`;
}

async function parseCheckedText(input: string, text: string): Promise<PatchInput> {
  try {
    if (text.includes('\0')) return refusal(input, `${displayName(input)} is binary (contains a NUL byte)`);
    // A byte-order mark would hide a `diff --git` on the first line; it is not a line of its own.
    return await parseText(input, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    // A bug must not take the run down: report it against this input and go on (one
    // unusable unit is an error entry, the run continues).
    const reason = error instanceof Error ? error.message : String(error);
    return refusal(input, `cannot parse ${displayName(input)}: internal error: ${reason}`);
  }
}

/** Reads at most `limit` bytes of a stream; 'too-large' past that (the rest is not read). */
async function readCapped(stream: Readable, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) {
      stream.destroy();
      return 'too-large';
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads and parses a patch file; `-` is standard input. Pipes (`<(git format-patch ...)`) are
 * read like files; directories and other special files are refused.
 */
export async function readPatchFile(path: string): Promise<PatchInput> {
  const name = displayName(path);
  let bytes: Buffer | 'too-large';
  try {
    if (path === '-') {
      bytes = await readCapped(process.stdin, MAX_PATCH_INPUT_BYTES);
    } else {
      const info = await stat(path);
      if (info.isDirectory()) return refusal(path, `cannot read ${name}: is a directory`);
      if (!info.isFile() && !info.isFIFO() && !info.isCharacterDevice()) {
        return refusal(path, `cannot read ${name}: not a regular file or pipe`);
      }
      if (info.isFile() && info.size > MAX_PATCH_INPUT_BYTES) return refusal(path, tooLarge(name, info.size));
      // Checked again while reading: a file may grow, a pipe has no size.
      bytes = await readCapped(createReadStream(path), MAX_PATCH_INPUT_BYTES);
    }
  } catch (error) {
    return refusal(path, `cannot read ${name}: ${describeFsError(error)}`);
  }
  if (bytes === 'too-large') return refusal(path, tooLarge(name, undefined));
  if (bytes.includes(0)) return refusal(path, `${name} is binary (contains a NUL byte)`);
  // Not fatal on bad UTF-8: mails carry Latin-1 names in sign-offs; U+FFFD there harms no diff.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return parseCheckedText(path, text);
}
