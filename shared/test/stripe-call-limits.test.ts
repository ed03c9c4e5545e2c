import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  apiGatewayIntegrationTimeoutSeconds,
  createStripeClient,
  type FunctionName,
  functionDeadlineSeconds,
  functions,
  httpRoutes,
  lazyStripeClient,
  stripeApiVersion,
  stripeCallLimitsFor,
  stripeCallWorstCaseMs,
  stripeIdempotencyKey,
  stripeIdempotencyKeyMaxLength,
} from '../src/index.ts';

const stripeFunctions = (Object.keys(functions) as FunctionName[]).filter(
  (name) => (functions[name].access as { stripe?: boolean }).stripe === true,
);

describe('Stripe call limits', () => {
  it.each(stripeFunctions)(
    '%s: one Stripe call, every retry and backoff included, ends within half of its deadline',
    (name) => {
      const limits = stripeCallLimitsFor(name);
      const deadlineMs = functionDeadlineSeconds(name) * 1000;
      expect(limits.timeoutMs).toBeGreaterThanOrEqual(3_000);
      expect(stripeCallWorstCaseMs(limits)).toBeLessThanOrEqual(deadlineMs / 2);
      expect(deadlineMs).toBeLessThanOrEqual(functions[name].timeoutSeconds * 1000);
      if (httpRoutes.some((route) => route.function === name)) {
        expect(deadlineMs).toBeLessThanOrEqual(apiGatewayIntegrationTimeoutSeconds * 1000);
      }
    },
  );

  it.each(stripeFunctions)('%s: its Stripe client is made with those limits', (name) => {
    const stripe = createStripeClient(name, {});
    const limits = stripeCallLimitsFor(name);
    expect(stripe.getMaxNetworkRetries()).toBe(limits.maxNetworkRetries);
    expect(stripe.getApiField('timeout')).toBe(limits.timeoutMs);
  });

  it.each(stripeFunctions)(
    "%s: the Lambda entry's lazy client is the same client, made once on first use",
    async (name) => {
      const load = lazyStripeClient(name, {});
      const stripe = await load();
      expect(stripe).toBeInstanceOf(Stripe);
      expect(await load()).toBe(stripe);
      expect(stripe.getMaxNetworkRetries()).toBe(createStripeClient(name, {}).getMaxNetworkRetries());
      expect(stripe.getApiField('timeout')).toBe(stripeCallLimitsFor(name).timeoutMs);
    },
  );

  it("reads a lazy client's settings at once, so a bad simulator URL still fails the cold start", () => {
    expect(() => lazyStripeClient('paymentsApi', { BASIS_STRIPE_API_URL: 'not a url' })).toThrow(
      /Invalid configuration/,
    );
  });

  it("writes out the SDK's pinned API version (read without loading the SDK)", () => {
    expect(stripeApiVersion).toBe(Stripe.API_VERSION);
  });

  it('counts the SDK backoff at its longest: the first version (20 s, two retries) did not fit a 20 s API', () => {
    expect(stripeCallWorstCaseMs({ timeoutMs: 20_000, maxNetworkRetries: 2 })).toBe(61_500);
    expect(stripeCallWorstCaseMs(stripeCallLimitsFor('refundsApi'))).toBeLessThanOrEqual(10_000);
  });
});

describe('Idempotency-Keys sent to Stripe', () => {
  it('are a fixed-length digest of the operation, whatever the length of its parts', () => {
    const short = stripeIdempotencyKey('refund', 'c', 'pi_1', 'k');
    const long = stripeIdempotencyKey('refund', 'c'.repeat(200), 'pi_1'.repeat(50), 'k'.repeat(200));
    expect(long.length).toBe(short.length);
    expect(long.length).toBeLessThanOrEqual(stripeIdempotencyKeyMaxLength);
    expect(long).toMatch(/^basis-refund-[\w-]{43}$/);
  });

  it('differ for different operations and for parts that only concatenate alike', () => {
    expect(stripeIdempotencyKey('refund', 'ab', 'c')).not.toBe(stripeIdempotencyKey('refund', 'a', 'bc'));
    expect(stripeIdempotencyKey('refund', 'a')).not.toBe(stripeIdempotencyKey('customer', 'a'));
    expect(stripeIdempotencyKey('refund', 'a')).toBe(stripeIdempotencyKey('refund', 'a'));
  });
});
