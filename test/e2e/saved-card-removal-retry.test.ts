import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic } from '../support/clinic-api.ts';
import { simCall } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_cardretry_${Math.random().toString(36).slice(2, 8)}`);
});
afterAll(() => stack?.stop());

describe('removing a saved card again', () => {
  it('answers 204 when Stripe already detached the card (a retry after an answer that was lost)', async () => {
    const token = await clinic.tokens.client('cl_retry');
    const setup = await clinic.api('POST', `${clinic.base}/clients/cl_retry/payment-methods/setup`, token, {
      mode: 'test',
    });
    const confirmed = await clinic.stripe.setupIntents.confirm(
      setup.body.setupIntentId,
      {
        client_secret: setup.body.clientSecret,
        payment_method: 'pm_card_visa',
        return_url: 'https://basis.example/r',
      } as never,
      { apiKey: clinic.keys.publishableKey },
    );
    const paymentMethod = confirmed.payment_method as string;
    const listPath = `${clinic.base}/clients/cl_retry/payment-methods?mode=test`;
    await eventually(async () => {
      const listed = await clinic.api('GET', listPath, token);
      return listed.body.data?.length === 1 ? true : undefined;
    });
    // The first removal detached the card on Stripe, then failed before recording it (its answer was a 503); the
    // detach webhook has not arrived yet when the client tries again.
    await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, { drop_rate: '1' });
    await clinic.stripe.paymentMethods.detach(paymentMethod, {}, { apiKey: clinic.keys.secretKey });

    const again = await clinic.api(
      'DELETE',
      `${clinic.base}/clients/cl_retry/payment-methods/${paymentMethod}?mode=test`,
      token,
    );
    expect(again.status).toBe(204);
    expect((await clinic.api('GET', listPath, token)).body.data).toEqual([]);
    await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
  });
});
