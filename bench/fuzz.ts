import { cpus, loadavg } from 'node:os';
import type { SQSEvent } from 'aws-lambda';
import { type ApiTally, connectClinic as connectManagedClinic } from './chaos/api-session.ts';
import { queueDepth, waitFor } from './chaos/recovery.ts';
import { type Expectation, type FuzzClinic, fuzzRequest } from './fuzz/mutations.ts';
import { rawSender } from './fuzz/raw-http.ts';
import { connectClinic } from './support/clinic-client.ts';
import { seededRandom } from './support/seeded-random.ts';
import { simulator } from './support/simulator.ts';
import { runBounded } from './support/stats.ts';
import { startBenchStack, startEmulators } from './support/system.ts';

/**
 * `npm run bench:fuzz`: mutated webhook requests against the local API (loopback only; not part of `npm test`).
 * Bodies, signatures, bytes changed after signing, encodings and content types, paths and methods, and sizes, with
 * a control group of valid events. While it runs, every queue's consumer is a counting sink, so each message that
 * reached a queue is attributed to the request that sent it. Goals: 0 answers of 5xx, 0 messages enqueued that
 * should not be, every valid event enqueued exactly once; then the server is healthy (`GET /health`) and a real
 * booking payment (simulator account, managed webhook endpoint, card confirmed as Stripe.js would) still succeeds.
 *
 * Knobs: FUZZ_REQUESTS 100000, FUZZ_CONCURRENCY 32, FUZZ_CLINICS 4, FUZZ_SEED (random), FUZZ_TIMEOUT_MINUTES 30.
 */
const knob = (name: string, value: number) => Number(process.env[name] ?? value);
const config = {
  requests: knob('FUZZ_REQUESTS', 100_000),
  concurrency: knob('FUZZ_CONCURRENCY', 32),
  clinics: knob('FUZZ_CLINICS', 4),
  seed: knob('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31)),
  timeoutMinutes: knob('FUZZ_TIMEOUT_MINUTES', 30),
};
const watchdog = setTimeout(() => {
  console.error(`bench:fuzz: still running after ${config.timeoutMinutes} minutes; giving up`);
  process.exit(2);
}, config.timeoutMinutes * 60_000);
watchdog.unref();
const progress = (text: string) =>
  process.stderr.write(`[fuzz ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

console.log('npm run bench:fuzz');
console.log(
  `${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, load average ${(loadavg()[0] ?? 0).toFixed(2)}`,
);
console.log(`config ${JSON.stringify(config)}`);

/** Messages that reached each queue while the sink was on, by the event id they carry. */
const sink = { on: true, messages: 0, byEventId: new Map<string, number>(), withoutId: 0 };
const takeBatch = async (event: SQSEvent) => {
  for (const record of event.Records) {
    sink.messages++;
    const id = (JSON.parse(record.body) as { event?: { id?: unknown } }).event?.id;
    if (typeof id === 'string') sink.byEventId.set(id, (sink.byEventId.get(id) ?? 0) + 1);
    else sink.withoutId++;
  }
  return { batchItemFailures: [] };
};

const emulators = await startEmulators();
const stack = await startBenchStack(emulators, {
  wrapWorker: (_queue, worker) => (event, context) => (sink.on ? takeBatch(event) : worker(event, context)),
});
const sender = rawSender(stack.apiUrl, config.concurrency);
try {
  const clinics: FuzzClinic[] = [];
  for (let index = 0; index < config.clinics; index++)
    clinics.push(await connectClinic(stack.apiUrl, `clinic_fuzz_${index}`));
  const random = seededRandom(config.seed);
  const generator = { random, clinics, nowSeconds: () => Math.floor(Date.now() / 1000) };

  interface Sent {
    kind: string;
    eventId: string | null;
    expect: Expectation;
    acknowledge: boolean;
    status: number;
    /** Times the same bytes were sent again after a connection reset. */
    resent: number;
  }
  const sent: Sent[] = [];
  let resends = 0;
  const statuses = new Map<number, number>();
  const serverErrors = new Map<string, number>();
  const unsendable = new Map<string, number>();
  progress(`sending ${config.requests} requests, ${config.concurrency} in flight`);
  const ms = await runBounded(config.requests, config.concurrency, async (index) => {
    const request = fuzzRequest(generator, index);
    let answer = await sender.send(request);
    // A reset keep-alive socket under load is the client's problem, not an answer: send the same bytes again, as
    // Stripe would retry (a repeat of a valid event is then a legitimate duplicate, allowed below).
    let resent = 0;
    while (answer.status === 0 && !answer.unsendable && resent < 3) {
      resent++;
      answer = await sender.send(request);
    }
    resends += resent;
    if (answer.unsendable) {
      unsendable.set(request.kind, (unsendable.get(request.kind) ?? 0) + 1);
      return;
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500) {
      const key = `${request.kind} → ${answer.status} ${answer.body.slice(0, 120)}`;
      serverErrors.set(key, (serverErrors.get(key) ?? 0) + 1);
    }
    sent.push({
      kind: request.kind,
      eventId: request.eventId,
      expect: request.expect,
      acknowledge: request.acknowledge ?? false,
      status: answer.status,
      resent,
    });
    if ((index + 1) % 10_000 === 0) progress(`  ${index + 1}/${config.requests}`);
  });
  progress('waiting for the queues to empty into the sinks');
  await waitFor('queues empty', async () => (await queueDepth(stack, stack.sqs, false)) === 0, 5 * 60_000);
  await stack.drained();

  const problems = {
    enqueuedWrongly: [] as string[],
    acceptedWrongly: [] as string[],
    validLost: [] as string[],
    doubled: [] as string[],
    validRefused: [] as string[],
  };
  const attributed = new Set<string>();
  for (const request of sent) {
    const count = request.eventId ? (sink.byEventId.get(request.eventId) ?? 0) : 0;
    if (request.eventId) attributed.add(request.eventId);
    const label = `${request.kind} ${request.eventId ?? ''} → ${request.status}`;
    if (count > 1 + request.resent) problems.doubled.push(`${label} enqueued ${count}×`);
    if (request.expect === 'enqueue') {
      if (request.status !== 200) problems.validRefused.push(label);
      else if (count === 0) problems.validLost.push(label);
    } else if (request.expect === 'never') {
      if (count > 0) problems.enqueuedWrongly.push(label);
      if (request.status === 200 && !request.acknowledge) problems.acceptedWrongly.push(label);
    } else if (count > 0 && request.status !== 200) problems.enqueuedWrongly.push(label);
  }
  const strays = [...sink.byEventId.keys()].filter((id) => !attributed.has(id));
  for (const id of strays) problems.enqueuedWrongly.push(`message for ${id}, which no request sent`);
  if (sink.withoutId > 0) problems.enqueuedWrongly.push(`${sink.withoutId} messages without an event id`);

  progress('health after: GET /health and a real booking payment');
  sink.on = false;
  const health = await fetch(`${stack.apiUrl}/health`);
  const sim = simulator(emulators.stripeApiUrl);
  const tally: ApiTally = { requests: 0, serverErrors: new Map() };
  const session = await connectManagedClinic(stack.apiUrl, 'clinic_fuzz_after', tally);
  await session.api('PUT', '/services/svc_after/pricing', {
    requirePaymentAtBooking: true,
    amount: 4200,
    currency: 'eur',
  });
  const created = await session.api('POST', '/bookings/bk_after/payment', {
    mode: 'test',
    serviceId: 'svc_after',
    clientId: 'cl_after',
  });
  await sim.stripe.paymentIntents.confirm(
    created.body.paymentId,
    {
      client_secret: created.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/r',
    } as never,
    { apiKey: session.keys.publishableKey },
  );
  let paymentStatus = '';
  await waitFor(
    'the booking payment recorded as succeeded',
    async () => {
      paymentStatus = (await session.api('GET', `/payments/${created.body.paymentId}`)).body.status;
      return paymentStatus === 'succeeded';
    },
    60_000,
  ).catch(() => undefined);

  const byFamily = new Map<string, number>();
  for (const request of sent) {
    const family = request.kind.split('/')[0] as string;
    byFamily.set(family, (byFamily.get(family) ?? 0) + 1);
  }
  const fiveXx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
  const rows: Array<[string, string | number]> = [
    ['requests sent (answered)', `${sent.length} (${sent.filter((r) => r.status > 0).length})`],
    ['by family', [...byFamily].map(([family, count]) => `${family} ${count}`).join(', ')],
    ['distinct mutations', new Set(sent.map((r) => r.kind)).size],
    [
      'answers by status',
      [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
    ],
    ['**5xx**', fiveXx],
    ['messages that reached a queue', sink.messages],
    ['**enqueued that should not be**', problems.enqueuedWrongly.length],
    ['answered 200 that should not be', problems.acceptedWrongly.length],
    [
      'valid events refused / lost / enqueued twice',
      `${problems.validRefused.length} / ${problems.validLost.length} / ${problems.doubled.length}`,
    ],
    ['sent again after a connection reset', resends],
    ['requests Node would not send (client-side)', [...unsendable.values()].reduce((a, b) => a + b, 0)],
    ['requests per second', ((sent.length * 1000) / ms).toFixed(0)],
    ['health after: GET /health, real booking payment', `${health.status}, ${paymentStatus}`],
    ['elapsed (s)', (ms / 1000).toFixed(0)],
  ];
  console.log('\n| figure | value |\n| --- | ---: |');
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  for (const [title, list] of [
    ['5xx', [...serverErrors].map(([key, count]) => `${count} × ${key}`)],
    ['enqueued that should not be', problems.enqueuedWrongly],
    ['answered 200 that should not be', problems.acceptedWrongly],
    ['valid refused', problems.validRefused],
    ['valid lost', problems.validLost],
    ['enqueued twice', problems.doubled],
    ['not sendable', [...unsendable].map(([key, count]) => `${count} × ${key}`)],
  ] as const) {
    if (list.length > 0)
      console.log(`\n${title} (first 20 of ${list.length}):\n  ${list.slice(0, 20).join('\n  ')}`);
  }
  const failed =
    fiveXx +
    problems.enqueuedWrongly.length +
    problems.acceptedWrongly.length +
    problems.validLost.length +
    problems.doubled.length;
  process.exitCode = failed === 0 && health.status === 200 && paymentStatus === 'succeeded' ? 0 : 1;
} finally {
  sender.close();
  await stack.stop();
  await emulators.stop();
}
