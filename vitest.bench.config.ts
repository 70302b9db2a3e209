import { defineConfig } from 'vitest/config';

// `npm run bench`: throughput as ratios against a ceiling measured in the same run (docs/design.md budgets).
// Not part of `npm test`: timings belong here, never in tests.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    fileParallelism: false,
    setupFiles: ['test/unit/isolated-home.ts'],
  },
});
