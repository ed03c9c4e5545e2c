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
            'ops/test/**/*.test.ts',
            'openapi/test/**/*.test.ts',
            'test/**/*.test.ts',
            'infra/test/**/*.test.ts',
          ],
          globalSetup: ['test/global-setup.ts'],
          // EMF lines would flood the output; the metrics tests switch them back on for themselves.
          env: { POWERTOOLS_METRICS_DISABLED: 'true' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
