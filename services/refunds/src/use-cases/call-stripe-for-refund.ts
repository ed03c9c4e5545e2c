import type { PaymentRecord, RefundEntry, RefundRecord } from '@basis/payments';
import {
  BasisError,
  isStripeRefusal,
  StripeKeyRejectedError,
  StripeObjectMissingError,
  StripePermissionDeniedError,
  type StripeRefusalError,
} from '@basis/shared';
import { applyRefundFact, type RefundChange, refuseRefund } from '../domain/refunds.ts';
import { refundFact, stripeRefundSchema } from '../domain/stripe-objects.ts';
import type { RefundReason, RefundsDeps } from '../ports.ts';

/** `failureReason` of a refund Stripe refused because of the clinic's key (revoked, rolled, lacking a permission). */
const keyRejectedReason = 'stripe_key_rejected';
/** `failureReason` of a refund whose payment Stripe does not know on the account the clinic is connected to now. */
const paymentMissingReason = 'payment_not_on_connected_account';

/** The `failureReason` a refused refund is recorded with. */
function failureReasonOf(error: StripeRefusalError): string {
  if (error instanceof StripeKeyRejectedError || error instanceof StripePermissionDeniedError)
    return keyRejectedReason;
  if (error instanceof StripeObjectMissingError) return paymentMissingReason;
  return error.stripeCode ?? 'refund_rejected';
}

/** Stripe refused a refund, so it made none: the refund is recorded `failed` with `failureReason`. */
export class RefundRefusedError extends BasisError {
  constructor(
    code: 'stripe_key_rejected' | 'stripe_object_missing' | 'refund_rejected',
    message: string,
    readonly failureReason: string,
  ) {
    super(code, message);
  }
}

/**
 * The answer to a refund Stripe refused (recorded `failed`, its amount refundable again): 409 `stripe_key_rejected`
 * for a key problem, 409 `stripe_object_missing` when the payment is not on the account the mode is connected to
 * now (a re-connect to another account), 422 `refund_rejected` for any other refusal. Each says what to do.
 */
export function refundRefusedError(failureReason: string, stripeMessage?: string): RefundRefusedError {
  if (failureReason === keyRejectedReason) {
    return new RefundRefusedError(
      'stripe_key_rejected',
      "Stripe refused this clinic's key, so nothing was refunded; an admin must reconnect Stripe, then the refund can be asked again.",
      failureReason,
    );
  }
  if (failureReason === paymentMissingReason) {
    return new RefundRefusedError(
      'stripe_object_missing',
      'Stripe does not know this payment on the account this mode is connected to now: it was made on the Stripe account connected before. Nothing was refunded; refund it in the Dashboard of that account.',
      failureReason,
    );
  }
  return new RefundRefusedError(
    'refund_rejected',
    `Stripe refused the refund (${failureReason}), so nothing was refunded.${stripeMessage ? ` ${stripeMessage}` : ''}`,
    failureReason,
  );
}

/**
 * Asks Stripe for a refund written `pending`, with the key it was written with: the same parameters every time, so
 * a retry after a timeout or a crash returns the refund Stripe already made instead of making a second one.
 * The answer completes the record. A refusal (any answer that proves Stripe did nothing) marks the refund failed,
 * giving its amount back, and throws `refundRefusedError`; an unknown outcome throws `StripeUnavailableError` and
 * leaves the refund pending for the reconciler.
 */
export async function sendRefundToStripe(
  deps: RefundsDeps,
  record: PaymentRecord,
  refund: RefundEntry,
  secretKey: string,
): Promise<RefundEntry> {
  if (!refund.idempotencyKey) throw new Error(`Refund ${refund.refundKey} has no idempotency key to send.`);
  let created: ReturnType<typeof stripeRefundSchema.parse>;
  try {
    created = stripeRefundSchema.parse(
      await deps.refunds.createRefund(secretKey, {
        paymentIntentId: record.paymentId,
        amount: refund.amount,
        reason: refund.reason as RefundReason | null,
        metadata: {
          clinic_id: record.clinicId,
          ...(record.bookingId ? { booking_id: record.bookingId } : {}),
          refund_request_id: refund.refundKey,
        },
        idempotencyKey: refund.idempotencyKey,
      }),
    );
  } catch (error) {
    if (!isStripeRefusal(error)) throw error;
    const failureReason = failureReasonOf(error);
    await completeRefund(deps, record, refund.refundKey, (current, stored) =>
      refuseRefund(current, stored, failureReason),
    );
    deps.logger.warn('Stripe refused a refund; recorded as failed', {
      clinicId: record.clinicId,
      paymentId: record.paymentId,
      refundKey: refund.refundKey,
      failureReason,
    });
    throw refundRefusedError(failureReason, error.message.replace(/^Stripe refused the request: /, ''));
  }
  return completeRefund(deps, record, refund.refundKey, (current, stored) =>
    applyRefundFact(current, stored, refundFact(created, created.created)),
  );
}

/**
 * Writes one change of the refund stored under `refundKey` (with its payment when money moved, in one transaction)
 * and answers the refund as stored after it.
 */
async function completeRefund(
  deps: RefundsDeps,
  record: PaymentRecord,
  refundKey: string,
  change: (current: PaymentRecord, stored: RefundRecord) => RefundChange | undefined,
): Promise<RefundEntry> {
  const { clinicId, mode, paymentId } = record;
  await deps.payments.change(clinicId, mode, paymentId, async (current, read) => {
    if (!current) throw new Error(`Payment ${paymentId} disappeared.`);
    const stored = await read.refund(refundKey);
    if (!stored) throw new Error(`Refund ${refundKey} is missing from payment ${paymentId}.`);
    const next = change(current, stored);
    if (!next) return { outcome: 'stale' };
    return {
      outcome: 'applied',
      refunds: [{ ...stored, ...next.refund, version: stored.version + 1 }],
      ...(next.payment
        ? {
            payment: { ...next.payment, updatedAt: deps.now().toISOString(), version: current.version + 1 },
          }
        : {}),
    };
  });
  const entry = await deps.payments.refund(clinicId, mode, paymentId, refundKey);
  if (!entry) throw new Error(`Refund ${refundKey} is missing from payment ${paymentId}.`);
  return entry;
}
