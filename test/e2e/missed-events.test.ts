import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic } from '../support/clinic-api.ts';
import { simCall } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;

beforeAll(async () => {
  stack = await startTestStack({ sweepSettleSeconds: 0 });
  clinic = await connectedClinic(stack, `clinic_sweep_${Math.random().toString(36).slice(2, 8)}`);
  await clinic.api('PUT', `${clinic.base}/services/svc_s/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 4200,
    currency: 'eur',
  });
});
afterAll(() => stack?.stop());

type SweepResult = { connections: number; enqueued: number; failed: number };

describe('missed webhooks heal by themselves', () => {
  it('enqueues the events Stripe lists that no worker has seen, once', async () => {
    // Every delivery to this account is lost; the Events API still lists the events.
    await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, { drop_rate: '1' });
    const created = await clinic.api('POST', `${clinic.base}/bookings/bk_lost/payment`, clinic.tokens.staff, {
      mode: 'test',
      serviceId: 'svc_s',
      clientId: 'cl_s',
    });
    await clinic.stripe.paymentIntents.confirm(
      created.body.paymentId,
      {
        client_secret: created.body.clientSecret,
        payment_method: 'pm_card_visa',
        return_url: 'https://basis.example/s',
      } as never,
      { apiKey: clinic.keys.publishableKey },
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const before = await clinic.api(
      'GET',
      `${clinic.base}/payments/${created.body.paymentId}`,
      clinic.tokens.staff,
    );
    expect(before.body.status).toBe('requires_payment_method');

    const first = (await stack.runScheduled('eventSweeper')) as SweepResult;
    expect(first.failed).toBe(0);
    expect(first.enqueued).toBeGreaterThanOrEqual(2);
    const healed = await eventually(async () => {
      const response = await clinic.api(
        'GET',
        `${clinic.base}/payments/${created.body.paymentId}`,
        clinic.tokens.staff,
      );
      return response.body.status === 'succeeded' ? response.body : undefined;
    });
    expect(healed.chargeId).toMatch(/^ch_/);
    await stack.drained();

    const second = (await stack.runScheduled('eventSweeper')) as SweepResult;
    expect(second.enqueued).toBe(0);
    await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
  });

  it('stops sweeping a clinic once it disconnects', async () => {
    const before = (await stack.runScheduled('eventSweeper')) as SweepResult;
    expect((await clinic.api('DELETE', `${clinic.base}/stripe/test`, clinic.tokens.admin)).status).toBe(204);
    const after = (await stack.runScheduled('eventSweeper')) as SweepResult;
    expect(after.connections).toBe(before.connections - 1);
  });
});
