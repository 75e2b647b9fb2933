import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Corpus tests parse thousands of kernel functions; give them room, but no timing asserts.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
