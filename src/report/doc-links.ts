// Where a reader of a report finds ptelint and a rule's page (docs/rules/<id>.md). SARIF requires
// absolute URIs here (the SARIF Multitool rejects a relative helpUri, SARIF1005), and the only
// public name the project declares is its npm package, so the links point into the published
// package: a rule page of version X is served at a URL naming X, whose content never changes
// (npm versions are immutable), so a SARIF log keeps pointing at the text of the rules that
// produced it even after they are rewritten. A build without a release version (a checkout, the
// tests) links to the newest release instead. One place to change if the project gets a home page.

export const PACKAGE_NAME = 'ptelint';

/** The project's page: tool.driver.informationUri. */
export const INFORMATION_URI = `https://www.npmjs.com/package/${PACKAGE_NAME}`;

const RELEASE = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** The page of `ruleId` in docs/rules/, as shipped in the package of `toolVersion`. */
export function ruleHelpUri(ruleId: string, toolVersion: string): string {
  const pkg = RELEASE.test(toolVersion) ? `${PACKAGE_NAME}@${toolVersion}` : PACKAGE_NAME;
  return `https://cdn.jsdelivr.net/npm/${pkg}/docs/rules/${encodeURIComponent(ruleId)}.md`;
}
