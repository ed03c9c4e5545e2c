import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../../test/support/fixtures.ts';
import { verifyStripeSignature } from '../src/domain/stripe-signature.ts';

// Known-answer vector from test/fixtures/stripe/README.md, checked there against stripe-node.
const payload = fixtureBytes('events/payment_intent.succeeded.json');
const t = 1785405606;
const oldSecret = 'whsec_test_fixture_secret';
const newSecret = 'whsec_test_fixture_secret_NEW';
const oldV1 = 'f554c3c221c93ba21f4bf65c3314f53bfd55ad0eca8b309221f008b61982c801';
const newV1 = '1f98deb5d32dded7b975a9559981deb08f0946735e901d5aee28586523f3715f';
const rollHeader = `t=${t},v1=${newV1},v1=${oldV1},v0=deadbeef`;

function check(overrides: Partial<Parameters<typeof verifyStripeSignature>[0]> = {}) {
  return verifyStripeSignature({
    rawBody: payload,
    header: rollHeader,
    secrets: [oldSecret],
    nowSeconds: t + 10,
    toleranceSeconds: 300,
    ...overrides,
  });
}

describe('verifyStripeSignature', () => {
  it('accepts the known-answer vector with either secret during a roll', () => {
    expect(check({ secrets: [oldSecret] })).toEqual({ ok: true });
    expect(check({ secrets: [newSecret] })).toEqual({ ok: true });
    expect(check({ header: `t=${t},v1=${newV1}`, secrets: [oldSecret, newSecret] })).toEqual({ ok: true });
  });

  it('accepts at 300 s after t and rejects from 301 s', () => {
    expect(check({ nowSeconds: t + 300 })).toEqual({ ok: true });
    expect(check({ nowSeconds: t + 301 })).toMatchObject({ ok: false, code: 'timestamp_outside_tolerance' });
  });

  it('rejects when one byte of the body changes', () => {
    const tampered = Buffer.from(payload);
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    expect(check({ rawBody: tampered })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('rejects a header signed with another secret, a v0-only header, a missing or garbled header', () => {
    expect(check({ secrets: ['whsec_someone_else'] })).toMatchObject({
      ok: false,
      code: 'invalid_signature',
    });
    expect(check({ header: `t=${t},v0=${oldV1}` })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ header: undefined })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ header: 'nonsense' })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ header: `v1=${oldV1}` })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('rejects when no secret is active', () => {
    expect(check({ secrets: [] })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });
});
