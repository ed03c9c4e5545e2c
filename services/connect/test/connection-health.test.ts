import { describe, expect, it } from 'vitest';
import {
  assessHealth,
  type HealthContext,
  type HealthFacts,
  healthWindowStart,
  type WebhookEndpointFacts,
} from '../src/domain/connection-health.ts';

const url = 'https://api.basis.example/stripe_webhook_test/clinic_1';
const context: HealthContext = {
  webhookUrl: url,
  handledEventTypes: ['payment_intent.succeeded', 'charge.refunded'],
  connectPath: '/v1/clinics/clinic_1/stripe/test',
  repairPath: '/v1/clinics/clinic_1/stripe/test/webhook/repair',
  windowText: 'in the last 24 h',
};
const endpoint: WebhookEndpointFacts = {
  id: 'we_1',
  url,
  status: 'enabled',
  enabledEvents: ['payment_intent.succeeded', 'charge.refunded'],
};
const healthy: HealthFacts = {
  mode: 'test',
  accountId: 'acct_1',
  key: { state: 'valid', accountId: 'acct_1' },
  permissions: { missing: [] },
  endpoint: { kind: 'managed', endpointId: 'we_1', endpoint },
  signatureFailures: { count: 0, lastAt: null },
  missedEvents: { count: 0, lastAt: null },
  failedEvents: { count: 0, examples: [], truncated: false, entriesRead: 12 },
  lastEventReceivedAt: '2026-11-26T11:00:00.000Z',
};

function judged(overrides: Partial<HealthFacts>) {
  const { status, checks } = assessHealth({ ...healthy, ...overrides }, context);
  return { status, failed: checks.filter((check) => !check.ok) };
}

describe('judging connection health', () => {
  it('is healthy when every check passes', () => {
    expect(judged({})).toEqual({ status: 'healthy', failed: [] });
  });

  it.each<[string, Partial<HealthFacts>, string, string]>([
    [
      'a managed endpoint pointing elsewhere',
      {
        endpoint: {
          kind: 'managed',
          endpointId: 'we_1',
          endpoint: { ...endpoint, url: 'https://old.example/x' },
        },
      },
      'webhook_endpoint',
      context.repairPath,
    ],
    [
      'a managed endpoint missing an event type',
      {
        endpoint: {
          kind: 'managed',
          endpointId: 'we_1',
          endpoint: { ...endpoint, enabledEvents: ['payment_intent.succeeded'] },
        },
      },
      'webhook_endpoint',
      'charge.refunded',
    ],
    [
      'a deleted managed endpoint',
      { endpoint: { kind: 'managed', endpointId: 'we_1', endpoint: null } },
      'webhook_endpoint',
      'no longer exists',
    ],
    [
      'no admin endpoint pointing at the clinic URL',
      { endpoint: { kind: 'admin', endpoints: [{ ...endpoint, url: 'https://other.example' }] } },
      'webhook_endpoint',
      'No webhook endpoint',
    ],
    ['a key now of another account', { key: { state: 'valid', accountId: 'acct_2' } }, 'key_valid', 'acct_2'],
    [
      'missing permissions',
      { permissions: { missing: ['refunds', 'payouts'] } },
      'key_permissions',
      'refunds, payouts',
    ],
    [
      'events that failed to apply',
      {
        failedEvents: {
          count: 2,
          examples: [{ eventId: 'evt_9', type: 'charge.refunded', reason: 'Error: boom' }],
          truncated: false,
          entriesRead: 40,
        },
      },
      'failed_events',
      'evt_9',
    ],
    [
      'events only the sweep found',
      { missedEvents: { count: 3, lastAt: '2026-11-26T11:00:00Z' } },
      'missed_events',
      '3 events',
    ],
  ])('needs attention for %s, saying what to do', (_name, overrides, name, advice) => {
    const { status, failed } = judged(overrides);
    expect(status).toBe('needs_attention');
    expect(failed.map((check) => check.name)).toEqual([name]);
    expect(failed[0]?.detail).toContain(advice);
  });

  it('accepts an admin endpoint it may not read when signed events arrive, and fails it when they are refused', () => {
    expect(judged({ endpoint: { kind: 'admin', endpoints: 'not_permitted' } }).status).toBe('healthy');
    const refused = judged({
      endpoint: { kind: 'admin', endpoints: 'not_permitted' },
      signatureFailures: { count: 4, lastAt: '2026-11-26T11:00:00Z' },
    });
    expect(refused.failed.map((check) => check.name)).toEqual(['webhook_endpoint', 'signature_failures']);
  });

  it('counts trouble from the last 24 h, or only since the endpoint was set up when that is later', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    expect(healthWindowStart(now, '2026-11-01T00:00:00.000Z').toISOString()).toBe('2026-11-25T12:00:00.000Z');
    expect(healthWindowStart(now, '2026-11-26T10:00:00.000Z').toISOString()).toBe('2026-11-26T10:00:00.000Z');
  });
});
