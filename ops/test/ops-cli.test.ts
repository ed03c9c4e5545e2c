import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKeys, queueNames, type WebhookEventMessage } from '@basis/shared';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic } from '../../test/support/clinic-api.ts';
import { simCall } from '../../test/support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../../test/support/test-stack.ts';
import { runOps } from '../src/run-ops.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'basis-ops-'));
  stack = await startTestStack({ dataDir });
  clinic = await connectedClinic(stack, `clinic_ops_${Math.random().toString(36).slice(2, 8)}`);
  await clinic.api('PUT', `${clinic.base}/services/svc_o/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 3100,
    currency: 'eur',
  });
  // Every webhook to this account is lost from here on: only the ops commands bring its events in.
  await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, { drop_rate: '1' });
});
afterAll(async () => {
  await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
  await stack?.stop();
});

/** Runs `npm run ops -- …` against this file's stack; answers the exit code and what it printed. */
async function ops(...argv: string[]) {
  const out: string[] = [];
  const progress: string[] = [];
  const code = await runOps(
    [...argv, '--data-dir', dataDir],
    { out: (line) => out.push(line), progress: (line) => progress.push(line) },
    { dataDir: '/nonexistent', secretPrefix: 'unused/' },
  );
  return { code, out, progress };
}

/** A booking payment confirmed with a card on Stripe, whose webhooks never arrived; answers its id. */
async function paidWithoutWebhooks(bookingId: string): Promise<string> {
  const created = await clinic.api(
    'POST',
    `${clinic.base}/bookings/${bookingId}/payment`,
    clinic.tokens.staff,
    {
      mode: 'test',
      serviceId: 'svc_o',
      clientId: 'cl_o',
    },
  );
  await clinic.stripe.paymentIntents.confirm(
    created.body.paymentId,
    {
      client_secret: created.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/o',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
  return created.body.paymentId as string;
}

async function eventsOf(paymentId: string): Promise<Stripe.Event[]> {
  const listed = await clinic.stripe.events.list({ limit: 100 }, { apiKey: clinic.keys.secretKey });
  return listed.data.filter((event) => {
    const object = event.data.object as { id?: string; payment_intent?: string };
    return object.id === paymentId || object.payment_intent === paymentId;
  });
}

async function paymentStatus(paymentId: string): Promise<string> {
  const response = await clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff);
  return response.body.status as string;
}

async function ledgerItem(event: Stripe.Event) {
  const output = await stack.doc.send(
    new GetCommand({
      TableName: stack.tableName,
      Key: ledgerKeys.entry(
        clinic.clinicId,
        'test',
        // The ledger files an event under its payment (a charge's under its PaymentIntent).
        (event.data.object as { id: string; payment_intent?: string }).payment_intent ??
          (event.data.object as { id: string }).id,
        event.created,
        event.id,
      ),
    }),
  );
  return output.Item as { outcome: string; lastOutcome: string; deliveries: number } | undefined;
}

describe('npm run ops against the local stack', () => {
  it('replay --event re-reads one event from Stripe and enqueues it; replayed again, the ledger shows the duplicate', async () => {
    const paymentId = await paidWithoutWebhooks('bk_ops_1');
    const succeeded = (await eventsOf(paymentId)).find((event) => event.type === 'payment_intent.succeeded');
    if (!succeeded) throw new Error('Stripe made no payment_intent.succeeded');
    expect(await paymentStatus(paymentId)).toBe('requires_payment_method');

    const first = await ops('replay', '--clinic', clinic.clinicId, '--mode', 'test', '--event', succeeded.id);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(`${succeeded.id} (payment_intent.succeeded) enqueued to payments.`);
    await eventually(async () => ((await paymentStatus(paymentId)) === 'succeeded' ? true : undefined));
    await stack.drained();
    expect(await ledgerItem(succeeded)).toMatchObject({ outcome: 'applied', deliveries: 1 });

    expect(
      (await ops('replay', '--clinic', clinic.clinicId, '--mode', 'test', '--event', succeeded.id)).code,
    ).toBe(0);
    const again = await eventually(async () => {
      const item = await ledgerItem(succeeded);
      return item?.deliveries === 2 ? item : undefined;
    });
    expect(again).toMatchObject({ outcome: 'applied', lastOutcome: 'duplicate' });
    expect(await paymentStatus(paymentId)).toBe('succeeded');
  });

  it('replay --from --to re-lists a window, reports progress, and re-deliveries of applied events change nothing', async () => {
    const paymentId = await paidWithoutWebhooks('bk_ops_2');
    const events = await eventsOf(paymentId);
    const created = events.map((event) => event.created);
    const from = new Date((Math.min(...created) - 1) * 1000).toISOString();
    const to = new Date((Math.max(...created) + 1) * 1000).toISOString();

    const first = await ops(
      'replay',
      '--clinic',
      clinic.clinicId,
      '--mode',
      'test',
      '--from',
      from,
      '--to',
      to,
    );
    expect(first.code).toBe(0);
    expect(first.progress.length).toBeGreaterThanOrEqual(events.length);
    expect(first.progress.at(-1)).toMatch(
      /^replay clinic_ops_\w+ test: \d+ listed, \d+ enqueued, \d+ ignored/,
    );
    expect(first.out.at(-1)).toMatch(/^Replayed .* \d+ events listed, [1-9]\d* enqueued/);
    await eventually(async () => ((await paymentStatus(paymentId)) === 'succeeded' ? true : undefined));
    await stack.drained();
    const succeeded = events.find((event) => event.type === 'payment_intent.succeeded');
    if (!succeeded) throw new Error('Stripe made no payment_intent.succeeded');
    expect(await ledgerItem(succeeded)).toMatchObject({ outcome: 'applied', deliveries: 1 });

    // The same window again: every event is delivered once more, and none is applied twice.
    expect(
      (await ops('replay', '--clinic', clinic.clinicId, '--mode', 'test', '--from', from, '--to', to)).code,
    ).toBe(0);
    await stack.drained();
    const item = await eventually(async () => {
      const current = await ledgerItem(succeeded);
      return current?.deliveries === 2 ? current : undefined;
    });
    expect(item).toMatchObject({ outcome: 'applied' });
    expect(['duplicate', 'stale']).toContain(item.lastOutcome);
  });

  it('status prints every queue with its DLQ; redrive moves the DLQ back and the event is applied', async () => {
    const paymentId = await paidWithoutWebhooks('bk_ops_3');
    const succeeded = (await eventsOf(paymentId)).find((event) => event.type === 'payment_intent.succeeded');
    if (!succeeded) throw new Error('Stripe made no payment_intent.succeeded');
    // A message as ingest enqueued it, parked in the payments DLQ (as after five failed receives).
    const parked: WebhookEventMessage = {
      kind: 'stripe.webhook_event',
      clinicId: clinic.clinicId,
      mode: 'test',
      receivedAt: new Date().toISOString(),
      event: succeeded as unknown as WebhookEventMessage['event'],
    };
    await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.queues.payments.dlqUrl, MessageBody: JSON.stringify(parked) }),
    );

    const before = await ops('status');
    expect(before.code).toBe(0);
    expect(before.out[0]).toMatch(/^status on the local stack/);
    expect(before.out[1]).toMatch(
      /^queue\s+visible\s+in flight\s+delayed\s+oldest \(s\)\s+DLQ\s+DLQ oldest \(s\)$/,
    );
    const rows = Object.fromEntries(
      before.out.slice(2).map((line) => [line.split(/\s+/)[0], line.split(/\s+/)]),
    );
    expect(Object.keys(rows).sort()).toEqual([...queueNames].sort());
    expect(rows.payments?.[5]).toBe('1');
    expect(Number(rows.payments?.[6])).toBeGreaterThanOrEqual(0);
    expect(rows.refunds?.[5]).toBe('0');
    expect(rows.refunds?.[6]).toBe('-');

    const redrive = await ops('redrive', '--queue', 'payments');
    expect(redrive.code).toBe(0);
    expect(redrive.progress).toEqual(['redrive payments: 1 messages moved']);
    expect(redrive.out.at(-1)).toBe('Redrive of the payments DLQ done: 1 messages moved back to payments.');
    await eventually(async () => ((await paymentStatus(paymentId)) === 'succeeded' ? true : undefined));
    // The ledger is written right after the record: wait for it rather than race it.
    expect(await eventually(() => ledgerItem(succeeded))).toMatchObject({ outcome: 'applied' });

    const after = await ops('status');
    expect(after.out.find((line) => line.startsWith('payments'))?.split(/\s+/)[5]).toBe('0');
  });

  it('refuses a command line it cannot run, with the usage, and changes nothing', async () => {
    const bad = [
      ['replay', '--clinic', clinic.clinicId, '--mode', 'prod', '--event', 'evt_1'],
      ['replay', '--clinic', clinic.clinicId, '--mode', 'test', '--from', 'yesterday', '--to', 'now'],
      [
        'replay',
        '--clinic',
        clinic.clinicId,
        '--mode',
        'test',
        '--from',
        '2026-11-02T00:00:00Z',
        '--to',
        '2026-11-01T00:00:00Z',
      ],
      ['replay', '--mode', 'test', '--event', 'evt_1'],
      ['redrive', '--queue', 'nope'],
      ['frobnicate'],
      ['status', '--no-such-option'],
    ];
    for (const argv of bad) {
      const result = await ops(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.out.join('\n')).toContain('Usage: npm run ops');
      expect(result.out.join('\n')).not.toContain(' on the local stack');
    }
  });

  it('says how to start a stack when none is running', async () => {
    const result = runOps(
      ['status', '--data-dir', mkdtempSync(join(tmpdir(), 'basis-none-'))],
      {
        out: () => {},
        progress: () => {},
      },
      { dataDir: '', secretPrefix: '' },
    );
    await expect(result).rejects.toThrow(/No local stack found .* start one with npm start, or pass --stage/);
  });
});
