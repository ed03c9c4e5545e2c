import { type QueueMessage, StripeUnavailableError } from '@basis/shared';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { silentLogger, testModeSecrets } from '../../../test/support/test-stack.ts';
import { ConcurrentUpdateError, type PaymentRecord } from '../../payments/src/domain/payment.ts';
import type { PaymentStore } from '../../payments/src/ports.ts';
import { paymentRecords } from '../../payments/src/use-cases/payment-records.ts';
import type { RefundsDeps, RefundsGateway } from '../src/ports.ts';
import { reconcileRefund } from '../src/use-cases/apply-refund-event.ts';
import { requestRefund } from '../src/use-cases/request-refund.ts';

/** The refunds never need to read a PaymentIntent from Stripe here: the payment is stored. */
const notNeeded = { paymentIntent: () => Promise.reject(new Error('not needed')) };
const now = () => new Date('2026-11-26T12:00:00Z');

const succeeded = succeededPayment({ amount: 5000, serviceId: null, clientId: null });

/** A payment store in memory, with the same versioned-write contract as the DynamoDB one. */
function memoryPayments(initial: PaymentRecord, journal: string[]): PaymentStore {
  let stored = initial;
  return {
    get: async () => structuredClone(stored),
    list: async () => ({ items: [stored], nextCursor: null }),
    save: async (record, expectedVersion) => {
      if (expectedVersion !== stored.version) throw new ConcurrentUpdateError(record.paymentId);
      journal.push(`save v${record.version}`);
      stored = structuredClone(record);
    },
  };
}

function refund(id: string, amount: number, key: string): Stripe.Refund {
  return {
    id,
    object: 'refund',
    amount,
    status: 'succeeded',
    created: 1_800_000_000,
    payment_intent: 'pi_1',
    charge: 'ch_1',
    metadata: { refund_request_id: key },
  } as unknown as Stripe.Refund;
}

describe('a refund request when Stripe does not answer', () => {
  it('queues its reconciler before writing the refund pending, and the reconciler completes it with the same key', async () => {
    const journal: string[] = [];
    const queued: QueueMessage[] = [];
    const calls: Array<{ idempotencyKey: string; amount: number }> = [];
    let stripeAnswers = false;
    const gateway: RefundsGateway = {
      createRefund: async (_key, input) => {
        calls.push({ idempotencyKey: input.idempotencyKey, amount: input.amount });
        if (!stripeAnswers) throw new StripeUnavailableError();
        return refund('re_made_once', input.amount, input.metadata.refund_request_id ?? '');
      },
      listRefunds: async () => [],
    };
    const deps: RefundsDeps = {
      payments: paymentRecords({ payments: memoryPayments(succeeded, journal), stripe: notNeeded, now }),
      secrets: {
        get: async () => ({ clinicId: 'clinic_1', test: testModeSecrets('whsec_x') }),
        put: async () => {},
        delete: async () => {},
      },
      refunds: gateway,
      queue: {
        send: async (_queue, message, options) => {
          journal.push(`queue delay=${options?.delaySeconds}`);
          queued.push(message);
        },
      },
      logger: silentLogger(),
      now: () => new Date('2026-11-26T12:00:00Z'),
      newRefundKey: () => 'rf_fixed',
    };

    const answer = await requestRefund(
      deps,
      { userId: 'u1', clinicId: 'clinic_1', role: 'staff', clientId: undefined },
      {
        clinicId: 'clinic_1',
        paymentId: 'pi_1',
        body: { amount: 1200 },
        requestKey: undefined,
      },
    );
    expect(answer).toEqual({ refundId: null, status: 'pending', amount: 1200, reason: null });
    expect(journal).toEqual(['queue delay=60', 'save v2']);
    expect(queued).toEqual([
      {
        kind: 'basis.refund_reconcile',
        clinicId: 'clinic_1',
        mode: 'test',
        paymentId: 'pi_1',
        refundKey: 'rf_fixed',
      },
    ]);

    // The pending refund holds its amount: what remains is smaller.
    const over = requestRefund(
      deps,
      { userId: 'u2', clinicId: 'clinic_1', role: 'staff', clientId: undefined },
      {
        clinicId: 'clinic_1',
        paymentId: 'pi_1',
        body: { amount: 3801 },
        requestKey: undefined,
      },
    );
    await expect(over).rejects.toMatchObject({ code: 'refund_exceeds_remaining' });

    stripeAnswers = true;
    expect(await reconcileRefund(deps, queued[0])).toBe('applied');
    const payment = await deps.payments.get('clinic_1', 'pi_1');
    expect(payment?.refunds).toEqual([
      expect.objectContaining({ refundKey: 'rf_fixed', refundId: 're_made_once', status: 'succeeded' }),
    ]);
    expect(payment?.amountRefunded).toBe(1200);
    expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(1);
    // A second delivery of the reconcile message finds nothing left to do.
    expect(await reconcileRefund(deps, queued[0])).toBe('stale');
  });
});
