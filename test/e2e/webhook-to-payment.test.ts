import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { fixtureEvent } from '../support/fixtures.ts';
import { stripeSignatureHeader } from '../support/stripe-signing.ts';
import { eventually, startTestStack, testModeSecrets } from '../support/test-stack.ts';

const clinicId = 'clinic_e2e';
const webhookSecret = 'whsec_e2e_made_up_signing_secret';
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.secrets.put({ clinicId, test: testModeSecrets(webhookSecret) });
});
afterAll(() => stack?.stop());

function succeededEvent() {
  const event = fixtureEvent('payment_intent.succeeded');
  const paymentIntent = (event.data as { object: Record<string, unknown> }).object;
  paymentIntent.metadata = {
    clinic_id: clinicId,
    booking_id: 'bk_1001',
    service_id: 'svc_42',
    client_id: 'cl_7',
  };
  return event;
}

async function postWebhook(body: string, header: string) {
  return fetch(`${stack.apiUrl}/stripe_webhook_test/${clinicId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body,
  });
}

describe('a signed payment_intent.succeeded, through HTTP, SQS and DynamoDB', () => {
  it('shows up as a succeeded payment through GET /v1/.../payments/{id}', async () => {
    const event = succeededEvent();
    const body = JSON.stringify(event);
    const response = await postWebhook(
      body,
      stripeSignatureHeader(body, webhookSecret, Math.floor(Date.now() / 1000)),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });

    const token = await signDevToken({ clinicId, role: 'staff' });
    const paymentId = (event.data as { object: { id: string } }).object.id;
    const payment = await eventually(async () => {
      const res = await fetch(`${stack.apiUrl}/v1/clinics/${clinicId}/payments/${paymentId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(payment).toMatchObject({
      paymentId,
      mode: 'test',
      status: 'succeeded',
      bookingId: 'bk_1001',
      serviceId: 'svc_42',
      clientId: 'cl_7',
      amount: 1099,
      currency: 'usd',
      chargeId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      amountRefunded: 0,
      refundStatus: 'none',
      failure: null,
    });
  });
});
