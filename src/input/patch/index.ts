// The patch reader (docs/architecture.md, "Input"): unified diffs, git format-patch mails, mbox series,
// MIME mails (multipart, quoted-printable, base64, attachments), `git log -p` output, diffs
// quoted in review replies, and list-archive text that lost whitespace.
//
// Modules, one job each:
//   read-patch-input.ts  entry: reading (size/NUL/readability checks), series assembly
//   mbox.ts              splitting an input into mails (`From ` / `commit <sha>` separators)
//   mail.ts              one mail: which shape it has, its subject, where its diffs are
//   headers.ts           RFC 5322 header blocks, Content-Type parameters, subjects (RFC 2047)
//   mime.ts              MIME structure located in the input (leaf parts and their lines)
//   mime-decode.ts       decoding a leaf (postal-mime) and mapping decoded lines to input lines
//   lines.ts             line access without splitting the input, and line-number mapping
//   unquote.ts           `>` quote prefixes
//   diff-parser.ts       file headers and the walk over a body
//   hunk.ts              hunk headers and hunk bodies, delimited by the header counts
//   diff-paths.ts        paths in diff headers (a/ b/, -p1, /dev/null, C quoting)
//
// `inputLine` everywhere is 1-based in the ORIGINAL input: exact for raw bodies, quoted or not
// (mbox offsets included); exact at line starts for quoted-printable parts; approximate (by byte
// offset) for base64 parts. See mime-decode.ts.

export { MAX_PATCH_INPUT_BYTES, readPatchFile, readPatchText } from './read-patch-input.js';
