import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'stripe-sim',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
