import type { Simulator } from '../support/simulator.ts';
import type { ClinicSession } from './api-session.ts';

/** What the workload made in one clinic, so the verification knows where to look. */
export interface ClinicWork {
  session: ClinicSession;
  paymentIds: string[];
  /** client id → Stripe customer id, for each client that saved a card. */
  customers: Map<string, string>;
}

/**
 * One kind of activity the chaos run drives through a clinic's real objects. Each scenario acts as the clinic's
 * staff (the API), the client's browser (Stripe.js calls with the publishable key) or Stripe itself (the
 * simulator's `/_sim` routes: disputes, 3-D Secure); the events it causes reach the system only as signed webhooks.
 */
export interface Scenario {
  name: string;
  /** Runs one unit of the scenario (a booking, a saved card…); `random` decides its path. */
  run(work: ClinicWork, sim: Simulator, index: number, random: () => number): Promise<void>;
}

async function confirmAsBrowser(
  sim: Simulator,
  session: ClinicSession,
  paymentId: string,
  clientSecret: string,
  paymentMethod: string,
) {
  try {
    return await sim.stripe.paymentIntents.confirm(
      paymentId,
      {
        client_secret: clientSecret,
        payment_method: paymentMethod,
        return_url: 'https://basis.example/r',
      } as never,
      { apiKey: session.keys.publishableKey },
    );
  } catch (error) {
    // A decline is an answer (402): the PaymentIntent is back to requires_payment_method, and events say so.
    if ((error as { type?: string }).type === 'StripeCardError') return undefined;
    throw error;
  }
}

/** A booking paid (or not) by the client, then perhaps refunded by staff, refunded in the Dashboard, or disputed. */
export const bookingScenario: Scenario = {
  name: 'payments, refunds, disputes',
  async run(work, sim, index, random) {
    const { session } = work;
    const bookingId = `bk_${index}`;
    const created = await session.api('POST', `/bookings/${bookingId}/payment`, {
      mode: 'test',
      serviceId: `svc_${index % 3}`,
      clientId: `cl_${index % 40}`,
    });
    if (created.status !== 201 && created.status !== 200) {
      throw new Error(`bench: booking payment answered ${created.status} ${JSON.stringify(created.body)}`);
    }
    const paymentId = created.body.paymentId as string;
    const clientSecret = created.body.clientSecret as string;
    work.paymentIds.push(paymentId);
    const path = random();
    if (path < 0.05) {
      // Cancelled before it was paid.
      await session.api('POST', `/payments/${paymentId}/cancel`, {});
      return;
    }
    if (path < 0.13) {
      // Declined, and the client gives up.
      await confirmAsBrowser(sim, session, paymentId, clientSecret, 'pm_card_chargeDeclined');
      return;
    }
    if (path < 0.23) {
      // Declined, then paid with another card.
      await confirmAsBrowser(sim, session, paymentId, clientSecret, 'pm_card_chargeDeclined');
    }
    if (path >= 0.23 && path < 0.33) {
      // 3-D Secure: the client passes it (or, one time in three, fails it and stops).
      await confirmAsBrowser(sim, session, paymentId, clientSecret, 'pm_card_authenticationRequired');
      const outcome = path < 0.3 ? 'pass' : 'fail';
      await sim.call('POST', `/_sim/payment_intents/${paymentId}/3ds`, session.keys.secretKey, { outcome });
      if (outcome === 'fail') return;
    } else {
      // A card whose refunds fail later, one time in ten.
      const card = random() < 0.1 ? 'pm_card_refundFail' : 'pm_card_visa';
      await confirmAsBrowser(sim, session, paymentId, clientSecret, card);
    }
    await afterPayment(work, sim, paymentId, created.body.amount as number, random);
  },
};

/** Polls the payment until Basis shows it succeeded (true), or gives up after a minute (false). */
async function shownAsPaid(session: ClinicSession, paymentId: string): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const read = await session.api('GET', `/payments/${paymentId}`);
    if (read.body.status === 'succeeded') return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function afterPayment(
  work: ClinicWork,
  sim: Simulator,
  paymentId: string,
  amount: number,
  random: () => number,
) {
  const { session } = work;
  const roll = random();
  if (roll < 0.35) {
    // Staff refund a payment Basis shows as paid: wait for its webhooks to arrive (through the chaos) first.
    if (!(await shownAsPaid(session, paymentId))) return;
    // Staff refund part; sometimes the rest too. A double click (same Idempotency-Key) must not refund twice.
    const key = `rf-${paymentId}-1`;
    const part = Math.floor(amount * 0.3);
    await session.api('POST', `/payments/${paymentId}/refunds`, { amount: part }, { 'idempotency-key': key });
    if (random() < 0.3) {
      await session.api(
        'POST',
        `/payments/${paymentId}/refunds`,
        { amount: part },
        { 'idempotency-key': key },
      );
    }
    if (random() < 0.4) {
      await session.api(
        'POST',
        `/payments/${paymentId}/refunds`,
        {},
        { 'idempotency-key': `rf-${paymentId}-2` },
      );
    }
  } else if (roll < 0.45) {
    // A refund made in the Stripe Dashboard, outside Basis.
    await sim.stripe.refunds.create(
      { payment_intent: paymentId, amount: 500 },
      { apiKey: session.keys.secretKey, idempotencyKey: `dash-${paymentId}` },
    );
  } else if (roll < 0.57) {
    const opened = await sim.call('POST', '/_sim/disputes', session.keys.secretKey, {
      payment_intent: paymentId,
      reason: 'fraudulent',
    });
    const disputeId = opened.id as string;
    if (random() < 0.6) {
      await sim.call('POST', `/_sim/disputes/${disputeId}/update`, session.keys.secretKey, {
        status: 'under_review',
      });
    }
    if (random() < 0.7) {
      await sim.call('POST', `/_sim/disputes/${disputeId}/close`, session.keys.secretKey, {
        outcome: random() < 0.5 ? 'won' : 'lost',
      });
    }
  }
}

/** A client saves a card through a SetupIntent; some later remove it in Basis, some in the Stripe Dashboard. */
export const savedCardScenario: Scenario = {
  name: 'cards',
  async run(work, sim, index, random) {
    const { session } = work;
    const clientId = `cl_card_${index}`;
    const setup = await session.api('POST', `/clients/${clientId}/payment-methods/setup`, { mode: 'test' });
    if (setup.status !== 201) {
      throw new Error(`bench: card setup answered ${setup.status} ${JSON.stringify(setup.body)}`);
    }
    work.customers.set(clientId, setup.body.customerId as string);
    const confirmed = await sim.stripe.setupIntents.confirm(
      setup.body.setupIntentId as string,
      {
        client_secret: setup.body.clientSecret,
        payment_method: random() < 0.5 ? 'pm_card_visa' : 'pm_card_mastercard',
        return_url: 'https://basis.example/r',
      } as never,
      { apiKey: session.keys.publishableKey },
    );
    const paymentMethod = confirmed.payment_method as string;
    const roll = random();
    if (roll < 0.2) {
      await sim.stripe.paymentMethods.detach(paymentMethod, {}, { apiKey: session.keys.secretKey });
    } else if (roll < 0.3) {
      // Removing in Basis needs the card to be known here first: the attach event may still be on its way.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const removed = await session.api(
          'DELETE',
          `/clients/${clientId}/payment-methods/${paymentMethod}?mode=test`,
        );
        if (removed.status === 204 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  },
};

/**
 * Memberships (Stripe Billing subscriptions) do not exist in the system yet. When they do, add a scenario here
 * (create a plan, subscribe a client, advance the simulator's clock through renewals, cancel) and its comparison in
 * verify.ts (membership status and invoices against the Subscription and its Invoices).
 */
export const membershipScenario: Scenario | undefined = undefined;
