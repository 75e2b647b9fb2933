// What one function may cost before it is listed as incomplete instead of analysed.

/**
 * What one function may cost. `maxNodes` (syntax nodes of the function) is checked before any
 * analysis and is deterministic: the largest function of 6.12 mm/ (do_swap_page) has about 3,000.
 * `maxMs` is a safety net against a super-linear step nobody has found yet, checked between the
 * analysis steps (facts, then each rule): it depends on the machine, so no real function should
 * come near it, and a function that hits it loses all its findings (none are half-reported).
 */
export interface FunctionBudget {
  maxNodes: number;
  maxMs: number;
}

export const FUNCTION_BUDGET: FunctionBudget = { maxNodes: 50_000, maxMs: 5_000 };
