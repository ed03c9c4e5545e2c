import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger, ModeSecrets } from '@basis/shared';
import { inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/src/local-stack.ts';
import { silentObservability } from './observability.ts';

export const silentLogger = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });

/** A local stack of its own for one test file: fresh table and queues in the shared emulators. */
export function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({
    dynamoEndpoint: inject('dynamoEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    stripeApiUrl: inject('stripeApiUrl'),
    dataDir: mkdtempSync(join(tmpdir(), 'basis-test-')),
    port: 0,
    namePrefix: `t${Math.random().toString(36).slice(2, 10)}-`,
    observability: silentObservability,
    ...overrides,
  });
}

export function testModeSecrets(webhookSecret: string, suffix = 'testclinic0001'): ModeSecrets {
  return {
    secretKey: `sk_test_${suffix}`,
    publishableKey: `pk_test_${suffix}`,
    accountId: null,
    webhookSecrets: [{ secret: webhookSecret, expiresAt: null }],
    webhook: { managed: false, endpointId: null, url: null },
    connectedAt: new Date().toISOString(),
  };
}

/** Polls until `check` returns a value or the time runs out: for effects that travel through a queue. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
