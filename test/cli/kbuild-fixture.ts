// What the two kbuild tests share: the restore of a migration entry that takes write from the VMA
// (pte-write-grant-unjustified at its maybe_mkwrite()), which they put behind configuration
// conditionals in a module of their own, and sparse's diagnostic line, which is how ptelint
// answers kbuild.

/**
 * The restore as a function `name`: `static`, or global with its prototype first (what
 * -Wmissing-prototypes wants of a function a real build compiles).
 */
export function migrationRestore(name: string, linkage: 'static' | 'global'): string {
  const header = linkage === 'static'
    ? `static void ${name}(struct vm_area_struct *vma, unsigned long addr,\n\t\tpte_t *ptep, struct page *page)`
    : `void ${name}(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page);\nvoid ${name}(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)`;
  return `${header}
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	else if (is_migration_entry(entry))
		pte = maybe_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}
`;
}

/** 1-based line and column of the `maybe_mkwrite(` of the restore `name` in `source`. */
export function grantOf(source: string, name: string): { line: number; column: number } {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => l.includes(`void ${name}(`) && !l.endsWith(';'));
  const at = lines.findIndex((l, i) => i > start && l.includes('maybe_mkwrite('));
  return { line: at + 1, column: lines[at].indexOf('maybe_mkwrite(') + 1 };
}

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  rule: string;
}

/** sparse's diagnostic line: `file:line:column: warning: message [rule]`. */
const SPARSE_LINE = /^(.+):(\d+):(\d+): warning: (.+) \[([a-z0-9-]+)\]$/;

/** The diagnostic a line of output holds, or undefined when it is not sparse-shaped. */
export function sparseDiagnostic(line: string): Diagnostic | undefined {
  const m = SPARSE_LINE.exec(line);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]), message: m[4], rule: m[5] } : undefined;
}
