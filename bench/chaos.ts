import { cpus, loadavg } from 'node:os';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ApiTally, connectClinic } from './chaos/api-session.ts';
import { deliveriesSettled, queueDepth, redriveDlqs, waitFor } from './chaos/recovery.ts';
import { type ClinicVerdict, verifyClinic } from './chaos/verify.ts';
import { bookingScenario, type ClinicWork, membershipScenario, savedCardScenario } from './chaos/workload.ts';
import { injectFaults } from './support/fault-injection.ts';
import { seededRandom } from './support/seeded-random.ts';
import { simulator } from './support/simulator.ts';
import { runBounded } from './support/stats.ts';
import { localAwsConfig, startBenchStack, startEmulators } from './support/system.ts';

/**
 * `npm run bench:chaos`: the reliability proof of record. Not part of `npm test`; loopback only; bounded in count
 * (the knobs below) and in time (a watchdog).
 *
 * Many clinics, each connected through the API to a simulator account of its own (the connect route registers the
 * webhook endpoint), run bookings paid, declined, retried, 3-D Secured, cancelled, refunded by staff (with double
 * clicks), refunded in the Dashboard, refunds that fail later, disputes opened, updated, won and lost, and cards
 * saved and removed. Every object is real in the simulator, and every event reaches the system only as a signed
 * webhook, through the simulator's delivery chaos: each delivery sent 1, 2 or 3 times (by clinic), held and
 * shuffled in windows, and 5 % dropped. Meanwhile 10 % of the stack's DynamoDB and SQS calls fail (an SDK
 * middleware, before the request) and 5 % of worker invocations crash after the worker ran (the batch comes back).
 * Then: the missed-event sweep (settle 0) and DLQ redrives until nothing is left, faults off, and every record is
 * compared with Stripe's own state read back from the simulator.
 *
 * Knobs: CHAOS_CLINICS 20, CHAOS_BOOKINGS (per clinic) 95, CHAOS_CARDS (per clinic) 15, CHAOS_CONCURRENCY 16,
 * CHAOS_FAULT_RATE 0.1, CHAOS_CRASH_RATE 0.05, CHAOS_DROP_RATE 0.05, CHAOS_SEED (random), CHAOS_TIMEOUT_MINUTES 45.
 * CHAOS_QUICK=1: 4 clinics × 15 bookings, a smoke run.
 */
const quick = process.env.CHAOS_QUICK === '1';
const knob = (name: string, full: number, small: number) =>
  Number(process.env[name] ?? (quick ? small : full));
const config = {
  clinics: knob('CHAOS_CLINICS', 20, 4),
  bookingsPerClinic: knob('CHAOS_BOOKINGS', 95, 15),
  cardsPerClinic: knob('CHAOS_CARDS', 15, 4),
  concurrency: knob('CHAOS_CONCURRENCY', 16, 8),
  faultRate: knob('CHAOS_FAULT_RATE', 0.1, 0.1),
  crashRate: knob('CHAOS_CRASH_RATE', 0.05, 0.05),
  dropRate: knob('CHAOS_DROP_RATE', 0.05, 0.05),
  seed: knob('CHAOS_SEED', Math.floor(Math.random() * 2 ** 31), Math.floor(Math.random() * 2 ** 31)),
  timeoutMinutes: knob('CHAOS_TIMEOUT_MINUTES', 45, 10),
};

const watchdog = setTimeout(() => {
  console.error(`bench:chaos: still running after ${config.timeoutMinutes} minutes; giving up`);
  process.exit(2);
}, config.timeoutMinutes * 60_000);
watchdog.unref();
const progress = (text: string) =>
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

console.log(`npm run bench:chaos${quick ? ' (CHAOS_QUICK=1)' : ''}`);
console.log(
  `${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, load average ${(loadavg()[0] ?? 0).toFixed(2)}`,
);
console.log(`config ${JSON.stringify(config)}`);

const random = seededRandom(config.seed);
const emulators = await startEmulators();
const sim = simulator(emulators.stripeApiUrl);
const crashes = { rate: 0, invocations: 0, crashed: 0 };
const stack = await startBenchStack(emulators, {
  realLogs: process.env.CHAOS_LOGS === '1',
  sweepSettleSeconds: 0,
  // A failed or crashed batch comes back in seconds rather than the deployed two minutes.
  queueOverrides: { visibilityTimeoutSeconds: 3 },
  wrapWorker: (_queue, worker) => async (event, context) => {
    const response = await worker(event, context);
    crashes.invocations++;
    // The worker wrote; the process dies before the event source deletes the batch: all of it comes back.
    if (random() < crashes.rate) {
      crashes.crashed++;
      throw new Error('bench: injected crash after the worker ran');
    }
    return response;
  },
});
const faults = injectFaults({ dynamodb: stack.dynamo, sqs: stack.sqs }, random);
const cleanSqs = new SQSClient(localAwsConfig(emulators.sqsEndpoint));
const tally: ApiTally = { requests: 0, serverErrors: new Map() };
const started = performance.now();
try {
  progress(`connecting ${config.clinics} clinics`);
  const works: ClinicWork[] = [];
  for (let index = 0; index < config.clinics; index++) {
    const session = await connectClinic(stack.apiUrl, `clinic_chaos_${index}`, tally);
    for (const [service, amount] of [
      ['svc_0', 4_200],
      ['svc_1', 9_900],
      ['svc_2', 15_000],
    ] as const) {
      await session.api('PUT', `/services/${service}/pricing`, {
        requirePaymentAtBooking: true,
        amount,
        currency: 'eur',
      });
    }
    await sim.call('POST', '/_sim/chaos', session.keys.secretKey, {
      duplicate: String(1 + (index % 3)),
      shuffle_window_ms: '300',
      drop_rate: String(config.dropRate),
      seed: String(config.seed + index),
    });
    works.push({ session, paymentIds: [], customers: new Map() });
  }

  faults.rate = config.faultRate;
  crashes.rate = config.crashRate;
  const scenarios = [
    { scenario: bookingScenario, perClinic: config.bookingsPerClinic },
    { scenario: savedCardScenario, perClinic: config.cardsPerClinic },
    ...(membershipScenario
      ? [{ scenario: membershipScenario, perClinic: config.bookingsPerClinic / 10 }]
      : []),
  ];
  for (const [order, { scenario, perClinic }] of scenarios.entries()) {
    const units = config.clinics * perClinic;
    progress(`${scenario.name}: ${units} across ${config.clinics} clinics`);
    let done = 0;
    await runBounded(units, config.concurrency, async (unit) => {
      const work = works[unit % config.clinics] as ClinicWork;
      // Each unit's path comes from a random source of its own, so a seed replays the same workload.
      const unitRandom = seededRandom(config.seed + order * 1_000_003 + unit * 7_919);
      await scenario.run(work, sim, Math.floor(unit / config.clinics), unitRandom);
      if (++done % 250 === 0) progress(`  ${done}/${units}`);
    });
  }
  const workloadSeconds = (performance.now() - started) / 1000;

  progress('waiting for the simulator’s deliveries (retries included) to settle');
  await deliveriesSettled(works, sim, 5 * 60_000);
  let sweeps = 0;
  let healed = 0;
  let dlqd = 0;
  let roundsUnderFaults = 0;
  for (let round = 1; ; round++) {
    await waitFor(
      'work queues empty',
      async () => (await queueDepth(stack, cleanSqs, false)) === 0,
      5 * 60_000,
    );
    // A sweep whose listing of connections is throttled fails as a whole (EventBridge runs it again later).
    const sweep = (await stack.runScheduled('eventSweeper').catch(() => ({ enqueued: 0, failed: -1 }))) as {
      enqueued: number;
      failed: number;
    };
    sweeps++;
    healed += sweep.enqueued;
    await waitFor(
      'work queues empty',
      async () => (await queueDepth(stack, cleanSqs, false)) === 0,
      5 * 60_000,
    );
    const moved = await redriveDlqs(stack, cleanSqs);
    dlqd += moved;
    progress(
      `round ${round}${faults.rate > 0 ? ' (faults on)' : ''}: sweep enqueued ${sweep.enqueued} (${sweep.failed < 0 ? 'sweep failed' : `${sweep.failed} connections not wholly swept`}), DLQ redrove ${moved}`,
    );
    const quiet = sweep.enqueued === 0 && moved === 0;
    if (faults.rate > 0) {
      roundsUnderFaults++;
      // Under a 10 % failure rate a sweep of hundreds of events always has a few it could not check; once the
      // rounds stop finding work (or after 8), the faults stop and the last rounds run on a healthy stack.
      if ((quiet && sweep.failed === 0) || roundsUnderFaults >= 8) {
        faults.rate = 0;
        crashes.rate = 0;
      }
      continue;
    }
    if (quiet && sweep.failed === 0) break;
    if (round >= 30) throw new Error('bench: the system did not settle in 30 sweep/redrive rounds');
  }
  const settledSeconds = (performance.now() - started) / 1000;

  faults.rate = 0;
  crashes.rate = 0;
  progress('verifying every clinic against Stripe');
  const verdicts: ClinicVerdict[] = [];
  for (const work of works) verdicts.push(await verifyClinic(work, sim));
  const sum = (pick: (verdict: ClinicVerdict) => number) => verdicts.reduce((total, v) => total + pick(v), 0);
  const lost = verdicts.flatMap((v) => v.lost);
  const appliedTwice = verdicts.flatMap((v) => v.appliedTwice);
  const differences = verdicts.flatMap((v) => v.differences);

  let attempts = 0;
  let dropped = 0;
  let refused = 0;
  const refusals = new Map<string, number>();
  for (const work of works) {
    const deliveries = await sim.call('GET', '/_sim/deliveries', work.session.keys.secretKey);
    for (const entry of deliveries.data as Array<{
      outcome: string;
      status_code: number | null;
      error: string | null;
    }>) {
      attempts++;
      if (entry.outcome === 'dropped') dropped++;
      else if (entry.outcome === 'failed') {
        refused++;
        const why = entry.status_code === null ? (entry.error ?? 'no answer') : String(entry.status_code);
        refusals.set(why, (refusals.get(why) ?? 0) + 1);
      }
    }
  }
  const counts = faults.counts();
  const elapsed = (performance.now() - started) / 1000;
  console.log('\n| figure | value |\n| --- | ---: |');
  const rows: Array<[string, string | number]> = [
    ['events (Stripe Events, all types)', sum((v) => v.events)],
    ['events the system handles (routed to a worker)', sum((v) => v.handledEvents)],
    [
      'clinics / PaymentIntents / refunds / disputes / saved cards',
      `${config.clinics} / ${sum((v) => v.payments)} / ${sum((v) => v.refunds)} / ${sum((v) => v.disputes)} / ${sum((v) => v.cards)}`,
    ],
    ['webhook delivery attempts (copies and retries)', attempts],
    ['deliveries dropped by the simulator', dropped],
    [
      'deliveries failed (retried by Stripe), by answer',
      `${refused} (${[...refusals].map(([why, count]) => `${why}: ${count}`).join(', ')})`,
    ],
    ['events healed by the sweep (enqueued by it)', healed],
    ['sweeps run (under faults)', `${sweeps} (${roundsUnderFaults})`],
    ['DLQ’d (redriven)', dlqd],
    ['DynamoDB calls / failed by injection', `${counts.dynamodb?.calls} / ${counts.dynamodb?.injected}`],
    ['SQS calls / failed by injection', `${counts.sqs?.calls} / ${counts.sqs?.injected}`],
    ['worker invocations / crashed after the write', `${crashes.invocations} / ${crashes.crashed}`],
    [
      'API requests by the workload / answered 5xx (retried)',
      `${tally.requests} / ${[...tally.serverErrors.values()].reduce((a, b) => a + b, 0)}`,
    ],
    ['**lost** (handled events not applied)', lost.length],
    ['**applied twice**', appliedTwice.length],
    ['other differences from Stripe', differences.length],
    [
      'elapsed: workload / settled / total (s)',
      `${workloadSeconds.toFixed(0)} / ${settledSeconds.toFixed(0)} / ${elapsed.toFixed(0)}`,
    ],
  ];
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  if (tally.serverErrors.size > 0) {
    console.log('\nAPI 5xx answers under injected faults (each retried with the same request):');
    for (const [key, count] of tally.serverErrors) console.log(`  ${count} × ${key}`);
  }
  for (const [title, list] of [
    ['lost', lost],
    ['applied twice', appliedTwice],
    ['differences', differences],
  ] as const) {
    if (list.length > 0)
      console.log(`\n${title} (first 20 of ${list.length}):\n  ${list.slice(0, 20).join('\n  ')}`);
  }
  process.exitCode = lost.length + appliedTwice.length + differences.length === 0 ? 0 : 1;
} finally {
  faults.rate = 0;
  cleanSqs.destroy();
  await stack.stop();
  await emulators.stop();
}
