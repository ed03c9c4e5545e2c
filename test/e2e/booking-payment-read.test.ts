import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic, typedClient } from '../support/clinic-api.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_read_${Math.random().toString(36).slice(2, 8)}`);
  const priced = await clinic.api('PUT', `${clinic.base}/services/svc_read/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 4200,
    currency: 'eur',
  });
  expect(priced.status).toBe(200);
});
afterAll(() => stack?.stop());

/** The booking's payment as `token`'s user reads it, through the typed client. */
async function readBookingPayment(token: string, bookingId: string, mode: 'test' | 'live' = 'test') {
  return typedClient(stack.apiUrl, token).GET('/v1/clinics/{clinicId}/bookings/{bookingId}/payment', {
    params: { path: { clinicId: clinic.clinicId, bookingId }, query: { mode } },
  });
}

describe("a booking's payment", () => {
  it('is found from the booking by its client, staff and admins, and follows the payment to succeeded', async () => {
    const clientToken = await clinic.tokens.client('cl_reader');
    const booked = await typedClient(stack.apiUrl, clientToken).POST(
      '/v1/clinics/{clinicId}/bookings/{bookingId}/payment',
      {
        params: { path: { clinicId: clinic.clinicId, bookingId: 'bk_read_1' } },
        body: { mode: 'test', serviceId: 'svc_read', clientId: 'cl_reader' },
      },
    );
    expect(booked.response.status).toBe(201);
    const paymentId = booked.data?.paymentId as string;

    const asClient = await readBookingPayment(clientToken, 'bk_read_1');
    expect(asClient.response.status).toBe(200);
    expect(asClient.data).toMatchObject({
      paymentId,
      bookingId: 'bk_read_1',
      serviceId: 'svc_read',
      clientId: 'cl_reader',
      amount: 4200,
      currency: 'eur',
      status: 'requires_payment_method',
      refundStatus: 'none',
    });

    await clinic.stripe.paymentIntents.confirm(
      paymentId,
      { client_secret: booked.data?.clientSecret, payment_method: 'pm_card_visa' } as never,
      { apiKey: clinic.keys.publishableKey },
    );
    const succeeded = await eventually(async () => {
      const read = await readBookingPayment(clinic.tokens.staff, 'bk_read_1');
      return read.data?.status === 'succeeded' ? read.data : undefined;
    });
    expect(succeeded.chargeId).toMatch(/^ch_/);
    const asAdmin = await readBookingPayment(clinic.tokens.admin, 'bk_read_1');
    expect(asAdmin.data).toEqual(succeeded);
  });

  it("answers 404 for a booking without a payment, another client's booking, and the other mode", async () => {
    const unknown = await readBookingPayment(clinic.tokens.staff, 'bk_never_booked');
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.error.code).toBe('payment_not_found');

    const otherClient = await readBookingPayment(await clinic.tokens.client('cl_someone_else'), 'bk_read_1');
    expect(otherClient.response.status).toBe(404);
    expect(otherClient.error?.error.code).toBe('payment_not_found');

    const live = await readBookingPayment(clinic.tokens.admin, 'bk_read_1', 'live');
    expect(live.response.status).toBe(404);
  });

  it('refuses a missing mode and a malformed booking id with 400, naming the field', async () => {
    const client = typedClient(stack.apiUrl, clinic.tokens.staff);
    const noMode = await client.GET('/v1/clinics/{clinicId}/bookings/{bookingId}/payment', {
      params: { path: { clinicId: clinic.clinicId, bookingId: 'bk_read_1' }, query: {} as { mode: 'test' } },
    });
    expect(noMode.response.status).toBe(400);
    expect(noMode.error?.error).toMatchObject({ code: 'validation_failed', field: 'mode' });
    const badId = await client.GET('/v1/clinics/{clinicId}/bookings/{bookingId}/payment', {
      params: { path: { clinicId: clinic.clinicId, bookingId: 'bk read!' }, query: { mode: 'test' } },
    });
    expect(badId.response.status).toBe(400);
    expect(badId.error?.error).toMatchObject({ code: 'validation_failed', field: 'bookingId' });
  });
});
