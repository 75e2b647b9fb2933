import { defineConfig } from 'vitest/config';

// Two tiers (`vitest run --project unit` is `npm run test:unit`):
// - unit: everything that runs from the repository alone, in-process: no kernel tree, no seed
//   mail, no built CLI. Under a minute.
// - integration: the files that read real kernel trees or the seed mails (found once per run by
//   test/global-setup.ts; their suites skip, saying why, where an input is missing) or spawn the
//   built CLI (`npm test` builds it first).
// A file belongs to exactly one tier; test/inputs.ts refuses to hand a kernel tree or a seed to the unit tier.
const INTEGRATION = [
  'test/corpus/**/*.test.ts',
  'test/cli/bundle.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/formats.test.ts',
  'test/cli/gate-e2e.test.ts',
  'test/cli/kbuild-build.test.ts',
  'test/cli/kbuild.test.ts',
  'test/cli/lazy-load.test.ts',
  'test/engine/job-scheduling.test.ts',
  'test/fuzz/cli.fuzz.test.ts',
  'test/fuzz/determinism.test.ts',
  'test/fuzz/trees.test.ts',
  'test/input/kernel-tree-real.test.ts',
  'test/lang/corpus-parse.test.ts',
  'test/lang/syntax-tree.test.ts',
  'test/patch/seeds.test.ts',
  'test/patch-mode/b4-checks.test.ts',
  'test/patch-mode/gate-bugs.test.ts',
  'test/patch-mode/generated.test.ts',
  'test/patch-mode/legacy-below-hunks.test.ts',
  'test/patch-mode/mail-reply.test.ts',
  'test/patch-mode/mutation-patches.test.ts',
  'test/patch-mode/mutation-repo.test.ts',
  'test/patch-mode/patchwork.test.ts',
  'test/patch-mode/realistic-patches.test.ts',
  'test/patch-mode/repo-source.test.ts',
  'test/patch-mode/seeds.test.ts',
  'test/patch-mode/stitch.test.ts',
  'test/patch-mode/version-diff-noise.test.ts',
];

export default defineConfig({
  test: {
    // Corpus tests parse thousands of kernel functions; give them room, but no timing asserts.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION } },
      { extends: true, test: { name: 'integration', include: INTEGRATION, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
