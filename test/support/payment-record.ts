import type { PaymentRecord } from '../../services/payments/src/domain/payment.ts';

/** A succeeded payment record as the workers store it, for tests of what happens to it next. */
export function succeededPayment(overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    clinicId: 'clinic_1',
    mode: 'test',
    paymentId: 'pi_1',
    bookingId: 'bk_1',
    serviceId: 'svc_1',
    clientId: 'cl_1',
    amount: 10_000,
    currency: 'usd',
    status: 'succeeded',
    chargeId: 'ch_1',
    failure: null,
    amountRefunded: 0,
    amountRefundPending: 0,
    recentRefundAsks: [],
    payoutId: null,
    membershipId: null,
    invoiceId: null,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    statusSource: { eventId: 'evt_s', created: 100, rank: 104 },
    appliedEventIds: [],
    version: 1,
    ...overrides,
  };
}
