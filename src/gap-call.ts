// The name of the opaque call that stands for the hidden lines of a function rebuilt from patch
// hunks: src/input/images/fragment.ts writes it into partial images, and the analyses
// (src/analysis/gap.ts) and the delta (src/engine/patch-mode/delta.ts) recognise it. Input and analysis may
// not import each other, so the one spelling both depend on lives here.

export const GAP_CALL = '__ptelint_gap';
