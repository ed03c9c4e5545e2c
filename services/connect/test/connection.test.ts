import { ValidationError } from '@basis/shared';
import { describe, expect, it } from 'vitest';
import {
  adminRollGraceMs,
  checkKeyPrefixes,
  connectionView,
  endpointIdempotencyKey,
  managedRollGraceMs,
  rollWebhookSecrets,
} from '../src/domain/connection.ts';

const now = new Date('2026-11-26T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

describe('rolling webhook signing secrets', () => {
  it('keeps the previous secret valid for 24 hours when an admin posts a new one', () => {
    const rolled = rollWebhookSecrets(
      [{ secret: 'whsec_old', expiresAt: null }],
      'whsec_new',
      now,
      adminRollGraceMs,
    );
    expect(rolled).toEqual([
      { secret: 'whsec_new', expiresAt: null },
      { secret: 'whsec_old', expiresAt: at(24 * 3_600_000) },
    ]);
  });

  it('keeps a managed endpoint’s previous secret only briefly, and never extends an earlier expiry', () => {
    const rolled = rollWebhookSecrets(
      [
        { secret: 'whsec_current', expiresAt: null },
        { secret: 'whsec_rolled', expiresAt: at(60_000) },
        { secret: 'whsec_expired', expiresAt: at(-1) },
      ],
      'whsec_next',
      now,
      managedRollGraceMs,
    );
    expect(rolled).toEqual([
      { secret: 'whsec_next', expiresAt: null },
      { secret: 'whsec_current', expiresAt: at(managedRollGraceMs) },
      { secret: 'whsec_rolled', expiresAt: at(60_000) },
    ]);
  });

  it('changes nothing when the same secret is posted again', () => {
    const secrets = [{ secret: 'whsec_same', expiresAt: null }];
    expect(rollWebhookSecrets(secrets, 'whsec_same', now, adminRollGraceMs)).toEqual(secrets);
  });
});

describe('checking key prefixes against the mode', () => {
  const valid = { publishableKey: 'pk_test_abc', secretKey: 'sk_test_abc' };
  it('accepts secret and restricted keys of the mode', () => {
    expect(() => checkKeyPrefixes('test', valid)).not.toThrow();
    expect(() => checkKeyPrefixes('test', { ...valid, secretKey: 'rk_test_abc' })).not.toThrow();
    expect(() =>
      checkKeyPrefixes('live', { publishableKey: 'pk_live_a', secretKey: 'rk_live_a' }),
    ).not.toThrow();
  });

  it.each([
    ['live', valid, 'publishableKey'],
    ['test', { ...valid, secretKey: 'sk_live_abc' }, 'secretKey'],
    ['test', { ...valid, secretKey: 'pk_test_abc' }, 'secretKey'],
    ['test', { ...valid, webhookSecret: 'secret' }, 'webhookSecret'],
  ] as const)('refuses in %s mode %j, naming %s', (mode, body, field) => {
    try {
      checkKeyPrefixes(mode, body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

describe('what a connection shows', () => {
  it('shows the last four characters of the secret key and never the key or the signing secrets', () => {
    const view = connectionView('test', {
      secretKey: 'sk_test_supersecretvalue1234',
      publishableKey: 'pk_test_x',
      accountId: 'acct_1',
      webhookSecrets: [{ secret: 'whsec_hidden', expiresAt: null }],
      webhook: { managed: true, endpointId: 'we_1', url: 'https://api.example/stripe_webhook_test/c' },
      connectedAt: now.toISOString(),
    });
    expect(view).toMatchObject({ status: 'connected', secretKeyLast4: '1234' });
    expect(JSON.stringify(view)).not.toMatch(/supersecret|whsec_/);
  });

  it('derives one endpoint idempotency key per connect generation and key', () => {
    const key = endpointIdempotencyKey('c1', 'test', 3, 'sk_test_a');
    expect(endpointIdempotencyKey('c1', 'test', 3, 'sk_test_a')).toBe(key);
    expect(endpointIdempotencyKey('c1', 'test', 4, 'sk_test_a')).not.toBe(key);
    expect(endpointIdempotencyKey('c1', 'test', 3, 'sk_test_b')).not.toBe(key);
    expect(key).not.toContain('sk_test_a');
  });
});
