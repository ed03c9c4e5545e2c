import type { Schemas } from '@basis/api-client';
import { facts, h, money, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen, until } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';
import { simulator } from '../stripe-js.ts';

async function payouts(): Promise<Schemas['PayoutPage']> {
  return unwrap(
    await api('staff').GET('/v1/clinics/{clinicId}/payouts', {
      params: { path: { clinicId: session.clinicId }, query: { mode: session.mode } },
    }),
  );
}

function payoutDetail(payout: Schemas['Payout']): HTMLElement {
  return h(
    'div',
    {},
    facts('payout', {
      payout: payout.payoutId,
      amount: money(payout.amount, payout.currency),
      status: payout.status,
      reconciled: payout.reconciled ? 'yes' : `no (${payout.reconciliation.status})`,
      difference: money(payout.difference, payout.currency),
    }),
    table(
      ['type', 'payment', 'booking', 'gross', 'fee', 'net'],
      payout.items.map((item) => [
        item.type,
        item.paymentId,
        item.bookingId,
        money(item.gross, payout.currency),
        money(item.fee, payout.currency),
        money(item.net, payout.currency),
      ]),
      'payout-items',
    ),
  );
}

function payoutsView(page: Schemas['PayoutPage'], detail: HTMLElement): HTMLElement | string {
  if (page.data.length === 0) return 'No payouts yet.';
  return table(
    ['payout', 'amount', 'status', 'arrival', 'reconciled', ''],
    page.data.map((payout) => [
      payout.payoutId,
      money(payout.amount, payout.currency),
      payout.status,
      payout.arrivalDate,
      payout.reconciled ? 'yes' : 'no',
      h(
        'button',
        { type: 'button', onclick: () => void run(detail, async () => payoutDetail(payout)) },
        'Open',
      ),
    ]),
    'payouts-table',
  );
}

/** The clinic's payouts and what each paid out (`GET …/payouts`); the simulator makes a payout on request. */
export const payoutsScreen: Screen = {
  id: 'payouts',
  title: 'Payouts',
  render() {
    const list = output('payouts-list');
    const detail = h('div', { id: 'payout-detail' });
    const create = actionButton('Pay out now (simulator)', 'create-payout', list, async () => {
      if (!session.secretKey)
        throw new Error('Only a clinic connected from this console can ask the simulator for a payout.');
      const before = new Set((await payouts()).data.map((payout) => payout.payoutId));
      await simulator('/_sim/payouts', session.secretKey, { currency: 'usd' });
      // Basis learns of the payout from Stripe's webhooks, `payout.created` then `payout.paid` (the simulator plays a
      // payout's life at once), and reconciles it after: wait for the end of that, not for its first event.
      const settled = (page: Awaited<ReturnType<typeof payouts>>) =>
        page.data.some(
          (payout) =>
            !before.has(payout.payoutId) &&
            (payout.status === 'failed' || payout.status === 'canceled' || payout.reconciled),
        );
      return payoutsView(await until(payouts, settled), detail);
    });
    void run(list, async () => payoutsView(await payouts(), detail));
    return frame(
      'Payouts',
      'staff',
      'Stripe pays the clinic’s balance out to its bank; Basis matches each payout to the payments and refunds in it. In the simulator a payout happens only when asked.',
      h(
        'div',
        { class: 'actions' },
        create,
        actionButton('Reload', 'reload-payouts', list, async () => payoutsView(await payouts(), detail)),
      ),
      list,
      detail,
    );
  },
};
