import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'stripe-sim',
      {
        test: {
          name: 'system',
          include: [
            'shared/test/**/*.test.ts',
            'services/*/test/**/*.test.ts',
            'local/test/**/*.test.ts',
            'test/**/*.test.ts',
            'infra/test/**/*.test.ts',
          ],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
