import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic, type Json } from '../support/clinic-api.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_off_${Math.random().toString(36).slice(2, 8)}`);
  const priced = await clinic.api('PUT', `${clinic.base}/services/svc_noshow/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 2500,
    currency: 'usd',
  });
  expect(priced.status).toBe(200);
});
afterAll(() => stack?.stop());

/** A card saved to the client's Customer (created by Basis), as the clinic's Dashboard or a SetupIntent would. */
async function savedCard(clientId: string, token: string): Promise<string> {
  const setup = await clinic.api(
    'POST',
    `${clinic.base}/clients/${clientId}/payment-methods/setup`,
    clinic.tokens.admin,
    { mode: 'test' },
  );
  expect(setup.status).toBe(201);
  const card = await clinic.stripe.paymentMethods.attach(
    token,
    { customer: setup.body.customerId },
    { apiKey: clinic.keys.secretKey },
  );
  return card.id;
}

function charge(bookingId: string, body: Json, token = clinic.tokens.staff) {
  return clinic.api('POST', `${clinic.base}/bookings/${bookingId}/payment`, token, {
    mode: 'test',
    serviceId: 'svc_noshow',
    ...body,
  });
}

async function paymentBecomes(paymentId: string, status: string) {
  return eventually(async () => {
    const response = await clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff);
    return response.body.status === status ? response.body : undefined;
  });
}

describe('off-session charges with a saved card (e.g. a no-show fee)', () => {
  it('confirms at once: succeeded, and the payment is recorded', async () => {
    const card = await savedCard('cl_ok', 'pm_card_visa');
    const charged = await charge('bk_ok', { clientId: 'cl_ok', paymentMethodId: card, offSession: true });
    expect(charged.status).toBe(201);
    expect(charged.body).toMatchObject({ status: 'succeeded', amount: 2500, failure: null });
    const paid = await paymentBecomes(charged.body.paymentId, 'succeeded');
    expect(paid).toMatchObject({
      bookingId: 'bk_ok',
      clientId: 'cl_ok',
      chargeId: expect.stringMatching(/^ch_/),
    });
    // A repeat (double click) is the same PaymentIntent, not a second charge.
    const again = await charge('bk_ok', { clientId: 'cl_ok', paymentMethodId: card, offSession: true });
    expect(again.status).toBe(200);
    expect(again.body.paymentId).toBe(charged.body.paymentId);
  });

  it('a declined card is a failed payment with its code, not an error', async () => {
    const card = await savedCard('cl_decline', 'pm_card_chargeCustomerFail');
    const charged = await charge('bk_decline', {
      clientId: 'cl_decline',
      paymentMethodId: card,
      offSession: true,
    });
    expect(charged.status).toBe(201);
    expect(charged.body).toMatchObject({ status: 'failed', failure: { code: 'generic_decline' } });
    await paymentBecomes(charged.body.paymentId, 'failed');
  });

  it('a card that needs the client is a payment needing the client (authentication_required), not an error', async () => {
    const card = await savedCard('cl_3ds', 'pm_card_authenticationRequired');
    const charged = await charge('bk_3ds', { clientId: 'cl_3ds', paymentMethodId: card, offSession: true });
    expect(charged.status).toBe(201);
    expect(charged.body).toMatchObject({
      status: 'requires_action',
      failure: { code: 'authentication_required' },
      clientSecret: expect.stringContaining('_secret_'),
    });
    const recorded = await paymentBecomes(charged.body.paymentId, 'requires_action');
    expect(recorded.failure).toMatchObject({ code: 'authentication_required' });
  });

  it('is for staff and admins, with a saved card of that client only', async () => {
    const card = await savedCard('cl_rules', 'pm_card_visa');
    const byClient = await charge(
      'bk_rules',
      { clientId: 'cl_rules', paymentMethodId: card, offSession: true },
      await clinic.tokens.client('cl_rules'),
    );
    expect(byClient.status).toBe(403);
    const noCard = await charge('bk_rules', { clientId: 'cl_rules', offSession: true });
    expect(noCard.status).toBe(400);
    expect(noCard.body.error).toMatchObject({ code: 'validation_failed', field: 'paymentMethodId' });
    const othersCard = await charge('bk_rules', {
      clientId: 'cl_other',
      paymentMethodId: card,
      offSession: true,
    });
    expect(othersCard.status).toBe(422);
    expect(othersCard.body.error.code).toBe('payment_method_not_owned');
  });
});
