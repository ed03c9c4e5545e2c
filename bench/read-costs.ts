import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  apiGet,
  type BenchClinic,
  connectClinic,
  ledgerEntries,
  postSignedEvent,
  succeededEvent,
} from './support/clinic-client.ts';
import { meterConsumedCapacity } from './support/consumed-capacity.ts';
import { runBounded, waitUntil } from './support/stats.ts';
import { type Emulators, type LocalStack, signDevToken, startBenchStack } from './support/system.ts';

/** The cost of one API read at one history size. */
export interface ReadCost {
  /** Read request units DynamoDB reported for the whole request. */
  rru: number;
  queries: number;
  /** Every DynamoDB request the read made, by command. */
  requests: Record<string, number>;
  /** Items the API answered (rows of a list; for the report, the succeeded payments it counted). */
  answered: number;
}

export interface ReadRow {
  payments: number;
  /** Ledger entries in the clinic's partition, counted through the API (one event per payment, all inside the 30-day retention). */
  ledgerEntries: number;
  report: ReadCost;
  clientPayments: ReadCost;
  paymentLedger: ReadCost;
  adminList: ReadCost;
}

const singleClient = 'cl_single';

async function drained(stack: LocalStack): Promise<boolean> {
  const output = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.queues.payments.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const attributes = output.Attributes ?? {};
  return (
    attributes.ApproximateNumberOfMessages === '0' && attributes.ApproximateNumberOfMessagesNotVisible === '0'
  );
}

/**
 * Seeds payments through the public path (signed webhooks), `count` of them from index `from`. The first
 * `currentMonth` payments are dated inside the current calendar month (UTC) and succeed inside the report's window
 * (`anchor` − 2 h to `anchor` − 10 min); the rest are dated hour by hour before the month and succeed a minute apart
 * before that window. Every event is dated inside the ledger's 30-day retention (DynamoDB Local enforces the TTL).
 */
async function seed(
  stack: LocalStack,
  clinic: BenchClinic,
  range: { from: number; to: number; currentMonth: number },
  concurrency: number,
  anchor: number,
): Promise<void> {
  const current = new Date(anchor * 1000);
  const monthStart = Date.UTC(current.getUTCFullYear(), current.getUTCMonth(), 1) / 1000;
  const span = Math.max(60, anchor - 600 - monthStart);
  const window = reportWindowOf(anchor);
  const count = range.to - range.from;
  await runBounded(count, concurrency, async (offset) => {
    const i = range.from + offset;
    const inMonth = i < range.currentMonth;
    const paymentCreated = inMonth
      ? monthStart + Math.floor(((i + 0.5) * span) / range.currentMonth)
      : monthStart - (i - range.currentMonth + 1) * 3600;
    const body = succeededEvent(clinic.clinicId, {
      paymentId: `pi_hist${i}`,
      eventId: `evt_hist${i}`,
      paymentCreated,
      eventCreated: inMonth
        ? window.from + Math.floor(((i + 0.5) * (window.lastEvent - window.from)) / range.currentMonth)
        : window.from - (i - range.currentMonth + 1) * 60,
      clientId:
        i === Math.floor(range.currentMonth / 2) ? singleClient : inMonth ? `cl_${i % 40}` : `cl_h${i % 400}`,
      amount: 1000 + (i % 50) * 100,
    });
    await postSignedEvent(clinic, body);
  });
  await waitUntil(() => drained(stack), Math.max(60_000, count * 50), 'seeded events applied');
}

/**
 * The report's window for a bench run anchored at `anchor` (seconds): two hours before it to an hour after. The
 * current payments succeed inside it, every other payment of the history before it (a minute apart, so 6,000 of them
 * stay inside the ledger's 30 days).
 */
function reportWindowOf(anchor: number) {
  return { from: anchor - 2 * 3600, lastEvent: anchor - 600, to: anchor + 3600 };
}

/**
 * Read costs against a growing history of one clinic: the payments report (a window holding the current payments'
 * successes and nothing else), a client's payments
 * (the client has one), the ledger of one payment and the admin's first page of payments. Each read goes through
 * the API; its RRU and Query count come from the stack's DynamoDB client (ConsumedCapacity, TOTAL).
 */
export async function benchReadCosts(
  emulators: Emulators,
  sizes: readonly number[],
  currentMonth: number,
  concurrency: number,
): Promise<ReadRow[]> {
  const stack = await startBenchStack(emulators);
  try {
    const clinic = await connectClinic(stack.apiUrl, 'clinic_history');
    const clientToken = await signDevToken({
      clinicId: clinic.clinicId,
      role: 'client',
      clientId: singleClient,
    });
    const singlePayment = `pi_hist${Math.floor(currentMonth / 2)}`;
    const meter = meterConsumedCapacity(stack.dynamo);
    const base = `/v1/clinics/${clinic.clinicId}`;
    const measure = async (path: string, token: string, count: (body: Record<string, unknown>) => number) => {
      meter.reset();
      const body = await apiGet(stack.apiUrl, path, token);
      const totals = meter.totals();
      return {
        rru: totals.rru,
        queries: totals.requests.QueryCommand ?? 0,
        requests: totals.requests,
        answered: count(body),
      };
    };
    const rows = (body: Record<string, unknown>) => (body.data as unknown[]).length;
    const results: ReadRow[] = [];
    const anchor = Math.floor(Date.now() / 1000);
    const window = reportWindowOf(anchor);
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    let seeded = 0;
    for (const size of sizes) {
      await seed(stack, clinic, { from: seeded, to: size, currentMonth }, concurrency, anchor);
      seeded = size;
      // Checked after the measured reads' setup, never inside one: every seeded event must be in the ledger.
      const inLedger = (
        await ledgerEntries(
          clinic,
          Array.from({ length: size }, (_, i) => `pi_hist${i}`),
        )
      ).length;
      if (inLedger !== size) throw new Error(`bench: ${size} events seeded, ${inLedger} in the ledger`);
      const ledger = await measure(
        `${base}/events?mode=test&paymentId=${singlePayment}`,
        clinic.adminToken,
        rows,
      );
      results.push({
        payments: size,
        ledgerEntries: inLedger,
        report: await measure(
          `${base}/reports/payments?mode=test&from=${iso(window.from)}&to=${iso(window.to)}`,
          clinic.adminToken,
          // The report's answer is the number of payments it counted: the window holds the current ones only.
          (body) =>
            (body.currencies as Array<{ succeededCount: number }>).reduce(
              (sum, c) => sum + c.succeededCount,
              0,
            ),
        ),
        clientPayments: await measure(`${base}/payments?mode=test`, clientToken, rows),
        paymentLedger: ledger,
        adminList: await measure(`${base}/payments?mode=test`, clinic.adminToken, rows),
      });
    }
    return results;
  } finally {
    await stack.stop();
  }
}
