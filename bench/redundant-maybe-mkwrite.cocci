// One rule for the bench's Coccinelle reference, in the spirit of ptelint's redundant-maybe-mkwrite:
// maybe_mkwrite() (or the PMD form) under a check that the source entry was writable re-checks the
// VMA for nothing. Run as `spatch --sp-file bench/redundant-maybe-mkwrite.cocci --dir <tree>`.
// The names are spelled out (not matched by regular expression) so that spatch's own token
// prefilter can skip the files that cannot match, as ptelint's keyword prefilter does.

@redundant@
expression entry, e, vma;
statement S;
@@
(
if (\(is_writable_migration_entry\|is_writable_device_private_entry\|is_writable_device_exclusive_entry\)(entry))
* e = \(maybe_mkwrite\|maybe_pmd_mkwrite\)(e, vma);
else S
|
if (\(is_writable_migration_entry\|is_writable_device_private_entry\|is_writable_device_exclusive_entry\)(entry))
* e = \(maybe_mkwrite\|maybe_pmd_mkwrite\)(e, vma);
)
