// Which rules run. The catalogue itself is rules/index.ts; this module only selects from it.

import { allRules } from '../../rules/index.js';
import type { Rule, RuleMode } from './define-rule.js';

/** The whole catalogue, for `ptelint rules` and `explain`. */
export function listRules(): Rule[] {
  return [...allRules];
}

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}

export function defaultRules(): Rule[] {
  return allRules.filter((r) => r.meta.enabledByDefault);
}

/**
 * The rules a run uses: `only` names them (and so turns on rules that are off by default),
 * otherwise the default set; `disable` removes. Unknown ids are the caller's usage error.
 */
export function selectRules(only?: string[], disable?: string[], modes: readonly RuleMode[] = []): Rule[] {
  return selectRulesFrom(allRules, only, disable, modes);
}

/**
 * selectRules over any catalogue (the CLI checks its selection against the rules it was given).
 * `only` undefined means "no --rule"; an empty list selects nothing: the workers receive the
 * selection as a list of ids, and an empty one used to fall back to the default rules.
 */
export function selectRulesFrom(catalogue: readonly Rule[], only?: string[], disable?: string[], modes: readonly RuleMode[] = []): Rule[] {
  const base = only !== undefined ? catalogue.filter((r) => only.includes(r.meta.id)) : catalogue.filter((r) => r.meta.enabledByDefault);
  // A mode flag (--legacy-arch) adds its rules to whatever was selected; --disable still wins.
  const added = catalogue.filter((r) => !base.includes(r) && (r.meta.modes ?? []).some((m) => modes.includes(m)));
  const chosen = added.length ? catalogue.filter((r) => base.includes(r) || added.includes(r)) : base;
  return chosen.filter((r) => !(disable ?? []).includes(r.meta.id));
}

/** The mode flags a run's options turn on. */
export function modesOf(options: { legacyArch?: boolean }): RuleMode[] {
  return options.legacyArch ? ['legacy-arch'] : [];
}

export function unknownRuleIds(ids: string[]): string[] {
  return ids.filter((id) => !ruleById(id));
}
