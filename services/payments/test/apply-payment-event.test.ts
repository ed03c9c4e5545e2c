import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, type StripeEvent, type WebhookEventMessage } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { countDynamoRequests } from '../../../local/src/request-counter.ts';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import { dynamoCustomerStore } from '../src/adapters/dynamo-customer-store.ts';
import { dynamoPaymentStore } from '../src/adapters/dynamo-payment-store.ts';
import { applyPaymentEvent } from '../src/use-cases/apply-payment-event.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const counter = countDynamoRequests(dynamo);
const tableName = `apply-${Math.random().toString(36).slice(2)}`;
const payments = dynamoPaymentStore(createDocumentClient(dynamo), tableName);
const unreachable = () => Promise.reject(new Error('these tests never read from Stripe'));
const deps = {
  payments,
  customers: dynamoCustomerStore(createDocumentClient(dynamo), tableName),
  stripe: { paymentIntent: unreachable, paymentMethod: unreachable },
  now: () => new Date(),
};

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

function message(type: string, id: string, paymentId: string, created = 1785405606): WebhookEventMessage {
  const base = fixtureEvent(type) as unknown as StripeEvent;
  const metadata = { booking_id: 'bk_apply', clinic_id: 'clinic_apply' };
  const event = { ...base, id, created, data: { object: { ...base.data.object, id: paymentId, metadata } } };
  return {
    kind: 'stripe.webhook_event',
    clinicId: 'clinic_apply',
    mode: 'test',
    receivedAt: new Date().toISOString(),
    event,
  };
}

describe('applying a payment event against DynamoDB Local', () => {
  it('applies the same event delivered five times once: one write, then none', async () => {
    const delivery = message('payment_intent.succeeded', 'evt_dup', 'pi_dup');
    counter.reset();
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await applyPaymentEvent(deps, delivery));
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(counter.writes()).toBe(1);
    expect((await payments.get('clinic_apply', 'test', 'pi_dup'))?.version).toBe(1);
  });

  it('costs no write for a stale event', async () => {
    await applyPaymentEvent(deps, message('payment_intent.succeeded', 'evt_s', 'pi_stale', 200));
    counter.reset();
    expect(
      await applyPaymentEvent(deps, message('payment_intent.payment_failed', 'evt_f', 'pi_stale', 100)),
    ).toBe('stale');
    expect(counter.writes()).toBe(0);
    expect((await payments.get('clinic_apply', 'test', 'pi_stale'))?.status).toBe('succeeded');
  });

  it('settles concurrent deliveries of different events through conditional writes', async () => {
    const events = [
      message('payment_intent.requires_action', 'evt_c1', 'pi_race', 100),
      message('payment_intent.processing', 'evt_c2', 'pi_race', 101),
      message('payment_intent.succeeded', 'evt_c3', 'pi_race', 102),
      message('payment_intent.payment_failed', 'evt_c4', 'pi_race', 99),
    ];
    await Promise.all([...events, ...events].map((delivery) => applyPaymentEvent(deps, delivery)));
    const record = await payments.get('clinic_apply', 'test', 'pi_race');
    expect(record?.status).toBe('succeeded');
    expect(record?.statusSource.eventId).toBe('evt_c3');
  });

  it('rejects a write whose expected version is no longer stored', async () => {
    await applyPaymentEvent(deps, message('payment_intent.processing', 'evt_v1', 'pi_version', 100));
    const record = await payments.get('clinic_apply', 'test', 'pi_version');
    if (!record) throw new Error('record missing');
    await expect(payments.save({ ...record, version: 2 }, 0)).rejects.toThrow(/changed while/);
    await expect(payments.save({ ...record, version: 1 }, undefined)).rejects.toThrow(/changed while/);
  });
});

describe('saved-card events against DynamoDB Local', () => {
  const customers = deps.customers;
  const attached = (id: string, created: number, pm: string): WebhookEventMessage => {
    const base = fixtureEvent('payment_method.attached') as unknown as StripeEvent;
    const object = { ...base.data.object, id: pm, customer: 'cus_cards' };
    return {
      kind: 'stripe.webhook_event',
      clinicId: 'clinic_apply',
      mode: 'test',
      receivedAt: new Date().toISOString(),
      event: { ...base, id, created, data: { object } },
    };
  };
  const detached = (id: string, created: number, pm: string): WebhookEventMessage => {
    const base = fixtureEvent('payment_method.detached') as unknown as StripeEvent;
    const object = { ...base.data.object, id: pm, customer: null };
    return {
      kind: 'stripe.webhook_event',
      clinicId: 'clinic_apply',
      mode: 'test',
      receivedAt: new Date().toISOString(),
      event: { ...base, id, created, data: { object } },
    };
  };
  const listed = async () =>
    (await customers.cards('clinic_apply', 'test', 'cus_cards'))
      .filter((card) => card.state === 'attached')
      .map((card) => card.paymentMethodId);

  beforeAll(() =>
    customers.create({
      clinicId: 'clinic_apply',
      mode: 'test',
      accountId: 'acct_cards',
      clientId: 'cl_cards',
      customerId: 'cus_cards',
    }),
  );

  it('ends with the card removed whether the detach comes after or before its attach', async () => {
    expect(await applyPaymentEvent(deps, attached('evt_a1', 100, 'pm_in_order'))).toBe('applied');
    expect(await applyPaymentEvent(deps, detached('evt_d1', 101, 'pm_in_order'))).toBe('applied');
    expect(await applyPaymentEvent(deps, detached('evt_d2', 101, 'pm_overtaken'))).toBe('applied');
    expect(await applyPaymentEvent(deps, attached('evt_a2', 100, 'pm_overtaken'))).toBe('stale');
    expect(await listed()).toEqual([]);
  });

  it('lets a card attached again later come back', async () => {
    expect(await applyPaymentEvent(deps, attached('evt_a3', 105, 'pm_in_order'))).toBe('applied');
    expect(await listed()).toEqual(['pm_in_order']);
  });
});

describe('one Stripe account connected by two clinics', () => {
  it('leaves a payment that another clinic’s booking made to that clinic', async () => {
    const foreign = message('payment_intent.succeeded', 'evt_foreign', 'pi_foreign');
    const object = foreign.event.data.object as Record<string, unknown>;
    object.metadata = { clinic_id: 'clinic_other', booking_id: 'bk_x' };
    expect(await applyPaymentEvent(deps, foreign)).toBe('ignored');
    expect(await payments.get('clinic_apply', 'test', 'pi_foreign')).toBeUndefined();
  });
});
