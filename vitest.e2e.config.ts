import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built workbench in web mode in Debian's Chromium; `npm run build` first.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
