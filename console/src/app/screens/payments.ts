import type { Payment } from '@basis/api-client';
import { facts, field, h, inputValue, money, replace, select, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen, until } from '../screen.ts';
import { api, remember, session, unwrap } from '../session.ts';

type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';

async function readPayment(paymentId: string): Promise<Payment> {
  return unwrap(
    await api('staff').GET('/v1/clinics/{clinicId}/payments/{paymentId}', {
      params: { path: { clinicId: session.clinicId, paymentId } },
    }),
  );
}

/** A payment's refunds: on its own GET (lists carry only `amountRefunded` and `refundStatus`). */
const refundsOf = (payment: Payment) => payment.refunds ?? [];

function paymentDetail(payment: Payment): HTMLElement {
  const refunds = refundsOf(payment);
  return h(
    'div',
    {},
    facts('payment', {
      payment: payment.paymentId,
      booking: payment.bookingId,
      client: payment.clientId,
      amount: money(payment.amount, payment.currency),
      status: payment.status,
      'amount refunded': money(payment.amountRefunded, payment.currency),
      'refund status': payment.refundStatus,
      payout: payment.payoutId,
    }),
    refunds.length > 0
      ? table(
          ['refund', 'amount', 'status', 'reason', 'created'],
          refunds.map((refund) => [
            refund.refundId ?? '(not yet at Stripe)',
            money(refund.amount, payment.currency),
            refund.status,
            refund.reason ?? refund.failureReason,
            refund.createdAt,
          ]),
          'payment-refunds',
        )
      : null,
  );
}

/** Refunds are done once Stripe's answer for each is known (none `pending`). */
function refundsSettled(payment: Payment): boolean {
  return refundsOf(payment).every((refund) => refund.status !== 'pending');
}

function openPayment(detail: HTMLElement, paymentId: string, onRefund: () => void): void {
  remember({ paymentId });
  const result = output('refund-result');
  const refund = actionButton('Refund', 'refund', result, async () => {
    const amount = inputValue('refundAmount');
    const reason = inputValue('refundReason');
    const accepted = unwrap(
      await api('staff').POST('/v1/clinics/{clinicId}/payments/{paymentId}/refunds', {
        params: { path: { clinicId: session.clinicId, paymentId } },
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: {
          ...(amount ? { amount: Number(amount) } : {}),
          ...(reason ? { reason: reason as RefundReason } : {}),
        },
      }),
    );
    // The refund's outcome reaches the payment through Stripe's webhook: show the payment once it has.
    const payment = await until(
      () => readPayment(paymentId),
      (read) => read.amountRefunded > 0 && refundsSettled(read),
    );
    replace(detail.querySelector('.payment-facts') as HTMLElement, paymentDetail(payment));
    onRefund();
    return `Refund ${accepted.refundId ?? ''} accepted (${accepted.status}).`;
  });
  replace(
    detail,
    h('div', { class: 'payment-facts' }, h('span', { class: 'muted' }, 'loading…')),
    h('h3', {}, 'Refund'),
    h(
      'form',
      { class: 'grid', onsubmit: (event) => event.preventDefault() },
      field('Amount (cents; empty: all that remains)', 'refundAmount', '', { inputmode: 'numeric' }),
      select(
        'Reason',
        'refundReason',
        ['', 'requested_by_customer', 'duplicate', 'fraudulent'],
        'requested_by_customer',
      ),
    ),
    h('div', { class: 'actions' }, refund),
    result,
  );
  void run(detail.querySelector('.payment-facts') as HTMLElement, async () =>
    paymentDetail(await readPayment(paymentId)),
  );
}

/** The clinic's payments, newest first (`GET …/payments`), and one payment with its refunds (`POST …/refunds`). */
export const paymentsScreen: Screen = {
  id: 'payments',
  title: 'Payments & refunds',
  render() {
    const list = output('payments-list');
    const detail = h('div', { id: 'payment-detail' });
    const load = async () => {
      const page = unwrap(
        await api('staff').GET('/v1/clinics/{clinicId}/payments', {
          params: { path: { clinicId: session.clinicId }, query: { mode: session.mode, limit: 20 } },
        }),
      );
      if (page.data.length === 0) return 'No payments yet.';
      return table(
        ['payment', 'booking', 'amount', 'status', 'refunded', ''],
        page.data.map((payment) => [
          payment.paymentId,
          payment.bookingId,
          money(payment.amount, payment.currency),
          payment.status,
          money(payment.amountRefunded, payment.currency),
          h(
            'button',
            {
              type: 'button',
              class: 'open-payment',
              'data-payment-id': payment.paymentId,
              onclick: () => openPayment(detail, payment.paymentId, reload),
            },
            'Open',
          ),
        ]),
        'payments-table',
      );
    };
    const reload = () => void run(list, load);
    reload();
    if (session.paymentId) openPayment(detail, session.paymentId, reload);
    return frame(
      'Payments & refunds',
      'staff',
      'Open a payment to see it and refund it, in part or in full. Each refund carries its own Idempotency-Key, so a double click never refunds twice.',
      h('div', { class: 'actions' }, actionButton('Reload', 'reload-payments', list, load)),
      list,
      detail,
    );
  },
};
