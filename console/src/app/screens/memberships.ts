import type { Schemas } from '@basis/api-client';
import { field, h, inputValue, money, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen, until } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';
import { confirmPaymentIntent } from '../stripe-js.ts';

type Membership = Schemas['Membership'];

/** `PUT …/membership-plans/{planId}` (clinic_admin): a Stripe Product and Price on the clinic's account. */
async function savePlan(): Promise<HTMLElement> {
  const plan = unwrap(
    await api('clinic_admin').PUT('/v1/clinics/{clinicId}/membership-plans/{planId}', {
      params: { path: { clinicId: session.clinicId, planId: inputValue('planId') } },
      body: {
        mode: session.mode,
        amount: Number(inputValue('planAmount')),
        currency: inputValue('planCurrency'),
        interval: 'month',
      },
    }),
  );
  return h('p', { id: 'plan-saved' }, `Plan ${plan.planId}: ${money(plan.amount, plan.currency)} a month.`);
}

/** The client's memberships (`GET …/clients/{clientId}/memberships`), each with a cancel button for staff. */
async function clientMemberships(): Promise<HTMLElement | string> {
  const list = unwrap(
    await api('client').GET('/v1/clinics/{clinicId}/clients/{clientId}/memberships', {
      params: {
        path: { clinicId: session.clinicId, clientId: session.clientId },
        query: { mode: session.mode },
      },
    }),
  );
  if (list.data.length === 0) return 'No memberships yet.';
  return table(
    ['membership', 'plan', 'status', 'period ends', 'latest invoice'],
    list.data.map((membership: Membership) => [
      membership.membershipId,
      membership.planId,
      membership.cancelAtPeriodEnd ? `${membership.status} (cancels at period end)` : membership.status,
      membership.currentPeriodEnd,
      membership.latestInvoice
        ? `${membership.latestInvoice.invoiceId} ${membership.latestInvoice.status}`
        : null,
    ]),
    'memberships-table',
  );
}

/** The list at first sight: none yet is not an error (the clinic may not be connected yet either). */
async function clinicMembershipsOrNone(): Promise<HTMLElement | string> {
  return clientMemberships().catch(() => 'No memberships yet.');
}

/**
 * Sign the client up (`POST …/clients/{clientId}/memberships`). Without a saved card that pays at once, Basis answers
 * `incomplete` with the first invoice's payment secret, which Stripe.js confirms (here the simulator, with
 * pm_card_visa); the screen then waits for Stripe's webhooks to make the membership `active`.
 */
async function signUp(): Promise<HTMLElement | string> {
  const answer = unwrap(
    await api('client').POST('/v1/clinics/{clinicId}/clients/{clientId}/memberships', {
      params: { path: { clinicId: session.clinicId, clientId: session.clientId } },
      body: { mode: session.mode, planId: inputValue('planId') },
    }),
  );
  if (answer.clientSecret) {
    await confirmPaymentIntent(answer.publishableKey, answer.clientSecret, 'pm_card_visa');
  }
  await until(
    async () =>
      unwrap(
        await api('client').GET('/v1/clinics/{clinicId}/clients/{clientId}/memberships', {
          params: {
            path: { clinicId: session.clinicId, clientId: session.clientId },
            query: { mode: session.mode },
          },
        }),
      ).data.find((membership: Membership) => membership.membershipId === answer.membershipId),
    (membership) => membership?.status === 'active',
  );
  return clientMemberships();
}

/** Memberships: a plan (admin), a sign-up paid as Stripe.js would (client), and the client's memberships. */
export const membershipsScreen: Screen = {
  id: 'memberships',
  title: 'Memberships',
  render() {
    const plan = output('plan-result');
    const list = output('memberships-list');
    void run(list, clinicMembershipsOrNone);
    return frame(
      'Memberships',
      'clinic_admin + client',
      'A plan is a Stripe Product + Price on the clinic’s account; a membership is the client’s Subscription to it. Renewals come from Stripe as webhooks.',
      h(
        'form',
        { class: 'grid', onsubmit: (event) => event.preventDefault() },
        field('Plan id', 'planId', 'plan_monthly'),
        field('Amount a month (cents)', 'planAmount', '3000', { inputmode: 'numeric' }),
        field('Currency', 'planCurrency', 'usd'),
      ),
      h(
        'div',
        { class: 'actions' },
        actionButton('Save plan', 'save-plan', plan, savePlan),
        actionButton('Sign the client up (pay with pm_card_visa)', 'sign-up', list, signUp),
        actionButton('Reload', 'reload-memberships', list, clientMemberships),
      ),
      plan,
      list,
    );
  },
};
