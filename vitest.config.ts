import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Sim servers and child processes make some suites slow on a 2-core machine; no test asserts timings.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
