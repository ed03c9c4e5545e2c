import type { EventOutcome } from '@basis/shared';
import { ConcurrentUpdateError, type PaymentRecord } from '../domain/payment.ts';
import type { PaymentStore } from '../ports.ts';

export type PaymentDecisionResult =
  | { outcome: 'applied'; record: PaymentRecord }
  | { outcome: Exclude<EventOutcome, 'applied'> };

/** Conditional writes that lose a race are re-read and re-decided; more losses than this is a real problem. */
const maxAttempts = 8;

/**
 * Read the record, decide with `decide`, write once, conditional on the version read. A write that lost a race
 * (another delivery, a refund request, a payout) is decided again on fresh data. Anything but `applied` costs no
 * write. Every writer of payment records goes through here, so none can overwrite another's change.
 */
export async function updatePayment(
  payments: PaymentStore,
  clinicId: string,
  paymentId: string,
  decide: (current: PaymentRecord | undefined) => Promise<PaymentDecisionResult>,
): Promise<EventOutcome> {
  for (let attempt = 1; ; attempt++) {
    const current = await payments.get(clinicId, paymentId);
    const decision = await decide(current);
    if (decision.outcome !== 'applied') return decision.outcome;
    try {
      await payments.save(decision.record, current?.version);
      return 'applied';
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= maxAttempts) throw error;
    }
  }
}
