// `ptelint patch`: the one entry to patch mode. Everything that knows about patch images, partial
// (hunks-only) images and the checks made from hunks alone is behind it, in src/engine/patch-mode/.

export { introducedOnly, runPatch, type PatchOptions, type PatchRun } from './patch-mode/run-patch.js';
