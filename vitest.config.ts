// Vitest configuration: unit, differential and guest-program tests under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/yield-between-tests.ts'],
    // Generous: on a loaded 2-core CI machine a guest-heavy test runs several times slower.
    testTimeout: 240_000,
    pool: 'forks',
  },
});
