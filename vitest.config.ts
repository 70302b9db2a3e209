import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Tests never read or write the user's own trust store.
    env: { CAUSA_HOME: join(tmpdir(), `causa-test-home-${process.pid}`) },
  },
});
