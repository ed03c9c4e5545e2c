import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic } from '../support/clinic-api.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

/**
 * Issue 11, part A, item 9: a booking squatted by the wrong client is released by cancelling its unpaid payment
 * (`POST …/payments/{paymentId}/cancel`, staff and admins); the rightful client can then pay.
 */
let stack: LocalStack;
let clinic: ConnectedClinic;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_cancel_${Math.random().toString(36).slice(2, 8)}`);
  await clinic.api('PUT', `${clinic.base}/services/svc_c/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 3000,
    currency: 'usd',
  });
});
afterAll(() => stack?.stop());

async function book(bookingId: string, clientId: string) {
  return clinic.api(
    'POST',
    `${clinic.base}/bookings/${bookingId}/payment`,
    await clinic.tokens.client(clientId),
    {
      mode: 'test',
      serviceId: 'svc_c',
      clientId,
    },
  );
}

function cancel(paymentId: string, token = clinic.tokens.staff) {
  return clinic.api('POST', `${clinic.base}/payments/${paymentId}/cancel`, token);
}

describe('cancelling an unpaid booking payment', () => {
  it('releases a squatted booking: staff cancel, the rightful client then gets a new PaymentIntent and pays', async () => {
    const squatted = await book('bk_sq', 'cl_squatter');
    expect(squatted.status).toBe(201);
    expect(await book('bk_sq', 'cl_rightful')).toMatchObject({
      status: 409,
      body: { error: { code: 'booking_payment_conflict' } },
    });

    const canceled = await cancel(squatted.body.paymentId);
    expect(canceled).toMatchObject({
      status: 200,
      body: { paymentId: squatted.body.paymentId, status: 'canceled', bookingId: 'bk_sq' },
    });
    const onStripe = await clinic.stripe.paymentIntents.retrieve(
      squatted.body.paymentId,
      {},
      { apiKey: clinic.keys.secretKey },
    );
    expect(onStripe.status).toBe('canceled');
    // A repeat answers the same.
    expect(await cancel(squatted.body.paymentId)).toMatchObject({
      status: 200,
      body: { status: 'canceled' },
    });

    const rightful = await book('bk_sq', 'cl_rightful');
    expect(rightful).toMatchObject({
      status: 201,
      body: { status: 'requires_payment_method', amount: 3000 },
    });
    expect(rightful.body.paymentId).not.toBe(squatted.body.paymentId);
    // The rightful client's repeat lands on their PaymentIntent; the squatter's is refused now.
    expect(await book('bk_sq', 'cl_rightful')).toMatchObject({
      status: 200,
      body: { paymentId: rightful.body.paymentId },
    });
    expect((await book('bk_sq', 'cl_squatter')).status).toBe(409);

    await clinic.stripe.paymentIntents.confirm(
      rightful.body.paymentId,
      {
        client_secret: rightful.body.clientSecret,
        payment_method: 'pm_card_visa',
        return_url: 'https://basis.example/c',
      } as never,
      { apiKey: clinic.keys.publishableKey },
    );
    await eventually(async () => {
      const current = await clinic.api(
        'GET',
        `${clinic.base}/payments/${rightful.body.paymentId}`,
        clinic.tokens.staff,
      );
      return current.body.status === 'succeeded' ? current : undefined;
    });

    // Once paid it cannot be canceled: refund it instead.
    expect(await cancel(rightful.body.paymentId)).toMatchObject({
      status: 409,
      body: { error: { code: 'payment_not_cancelable' } },
    });
  });

  it('is for staff and admins only, and answers 404 for an unknown payment', async () => {
    const booked = await book('bk_roles', 'cl_roles');
    expect((await cancel(booked.body.paymentId, await clinic.tokens.client('cl_roles'))).status).toBe(403);
    expect((await cancel(booked.body.paymentId, clinic.tokens.admin)).status).toBe(200);
    expect(await cancel('pi_unknown0000')).toMatchObject({
      status: 404,
      body: { error: { code: 'payment_not_found' } },
    });
  });
});
