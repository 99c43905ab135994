// Vitest configuration: unit, differential and guest-program tests under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/yield-between-tests.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
