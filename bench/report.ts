import type { BundleResult } from './bundle-sizes.ts';
import { assumptions, type CostModel } from './cost-model.ts';
import type { ThroughputRow } from './e2e-throughput.ts';
import type { benchIngestCpu } from './ingest-cpu.ts';
import type { LogBytes } from './log-bytes.ts';
import type { ReadRow } from './read-costs.ts';
import { fmt } from './support/stats.ts';
import { deployedLogLevel } from './support/system.ts';
import type { benchWorkerWrites } from './worker-writes.ts';

/** Printing only: every figure is computed by its section. */
const out = (line = '') => console.log(line);
const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);

export function printIngest(ingest: Awaited<ReturnType<typeof benchIngestCpu>>): void {
  out('\nWebhook ingest, CPU per verified event (warm, secret cached, SQS send counted not timed)');
  out(`  payload                         ${ingest.payloadBytes} bytes`);
  out(`  ingest handler                  ${ingest.handlerMicros.toFixed(1)} µs/event`);
  out(`  bare HMAC-SHA256 + JSON.parse   ${ingest.bareMicros.toFixed(1)} µs/event`);
  out(`  ratio handler / bare            ${ingest.ratio.toFixed(2)}×`);
  out(`  (median of ${ingest.rounds} rounds × ${ingest.iterations} events; ${ingest.sends} sends counted)`);
}

export function printWrites(writes: Awaited<ReturnType<typeof benchWorkerWrites>>): void {
  const { payments, cardPayments, memberships } = writes;
  out(
    `\nWorkers, DynamoDB capacity per event (batches of 10, DynamoDB Local; ConsumedCapacity TOTAL, table + index)`,
  );
  out(
    `  payments: ${payments.separate.events} events (processing + succeeded of ${payments.separate.events / 2} payments); memberships: ${memberships.separate.events} events of ${memberships.count} (Stripe Billing on the simulator: sign-up paid, one renewal paid)`,
  );
  out(
    `  ${pad('worker and shape', 34)}${lpad('applied WRU', 12)}${lpad('RRU', 7)}${lpad('dup WRU', 9)}${lpad('RRU', 7)}${lpad('lost conditions', 17)}`,
  );
  const row = (name: string, shape: (typeof payments)['separate']) =>
    out(
      `  ${pad(name, 34)}${lpad(shape.applied.wruPerEvent.toFixed(2), 12)}${lpad(shape.applied.rruPerEvent.toFixed(2), 7)}${lpad(shape.duplicate.wruPerEvent.toFixed(2), 9)}${lpad(shape.duplicate.rruPerEvent.toFixed(2), 7)}${lpad(String(shape.applied.conditionFailures + shape.duplicate.conditionFailures), 17)}`,
    );
  row('payments, separate batches', payments.separate);
  row('payments, same batch (grouped)', payments.grouped);
  row('card payment, separate batches', cardPayments.separate);
  row('card payment, same batch', cardPayments.grouped);
  row('memberships, separate batches', memberships.separate);
  row('memberships, same batch (grouped)', memberships.grouped);
  out('  requests per applied event, by command');
  const requests = (name: string, shape: (typeof payments)['separate']) =>
    out(
      `  ${pad(name, 34)}${Object.entries(shape.applied.requestsPerEvent)
        .map(([command, count]) => `${command.replace('Command', '')} ${count.toFixed(2)}`)
        .join(', ')}`,
    );
  requests('payments, separate batches', payments.separate);
  requests('payments, same batch (grouped)', payments.grouped);
  requests('card payment, separate batches', cardPayments.separate);
  requests('card payment, same batch', cardPayments.grouped);
  requests('memberships, separate batches', memberships.separate);
  requests('memberships, same batch (grouped)', memberships.grouped);
  out('  applied WRU per event by the kind of item written');
  const kinds = (name: string, shape: (typeof payments)['separate']) =>
    out(
      `  ${pad(name, 34)}${Object.entries(shape.applied.wruByKind)
        .map(([kind, units]) => `${kind} ${units.toFixed(2)}`)
        .join(', ')}`,
    );
  kinds('card payment, separate batches', cardPayments.separate);
  kinds('memberships, separate batches', memberships.separate);
  kinds('memberships, same batch (grouped)', memberships.grouped);
  out(
    '  (PAYMENT under memberships: the Payment each paid invoice records, with its admin-list, client and report index entries)',
  );
  out(
    '  lost conditions = conditional writes that lost a race and were redone (DynamoDB reports no capacity for them)',
  );
  out(
    '  card payment at booking: recorded by the booking API first (unmetered), then payment_intent.succeeded and',
  );
  out(
    '  charge.succeeded as Stripe sends them; "applied" = first delivery of each event, whether or not it changes the',
  );
  out(
    '  record (charge.succeeded finds nothing to change: its ledger entry only). The cost model takes this row.',
  );
}

export function printE2e(rows: readonly ThroughputRow[]): void {
  const first = rows[0];
  out(
    `\nLocal end-to-end webhooks/s (signed POST → ingest → fauxqs → payments worker → DynamoDB Local; concurrency ${first?.concurrency ?? '?'})`,
  );
  out(
    `  ${pad('events', 8)}${lpad('accepted/s', 12)}${lpad('e2e/s', 9)}${lpad('SQS send/s', 12)}${lpad('PutItem/s', 11)}${lpad('ratio', 8)}${lpad('lost', 6)}${lpad('WRU/ev', 8)}${lpad('RRU/ev', 8)}`,
  );
  for (const row of rows) {
    out(
      `  ${pad(fmt(row.events), 8)}${lpad(fmt(row.acceptedPerSecond, 1), 12)}${lpad(fmt(row.e2ePerSecond, 1), 9)}${lpad(fmt(row.sqsSendPerSecond, 1), 12)}${lpad(fmt(row.putItemPerSecond, 1), 11)}${lpad(`${row.ratio.toFixed(2)}×`, 8)}${lpad(String(row.lost), 6)}${lpad(row.wruPerEvent.toFixed(2), 8)}${lpad(row.rruPerEvent.toFixed(2), 8)}`,
    );
  }
  out(
    '  accepted/s = POSTs answered 200 until the last answer; e2e/s = until the queue is empty and all are applied',
  );
  out('  ratio = e2e / the slower bare rate (goal ≥ 0.5); lost = events POSTed (200) with no ledger entry');
  out(`  event ${first?.eventBytes ?? '?'} B as POSTed, queue message ${first?.messageBytes ?? '?'} B`);
  const ms = (value: number | undefined) => (value === undefined ? '?' : value.toFixed(2));
  const sum = (...values: (number | undefined)[]) =>
    values.some((value) => value === undefined)
      ? undefined
      : values.reduce<number>((total, value) => total + (value ?? 0), 0);
  out(
    '  CPU ms per operation, by process (bare CPU / e2e CPU is what the ratio tends to when every core is busy):',
  );
  for (const row of rows) {
    const { e2e, putItem, sqsSend } = row.cpuMs;
    out(
      `  ${pad(fmt(row.events), 8)}e2e event ${ms(sum(e2e.stack, e2e.dynamo, e2e.generator))} (stack ${ms(e2e.stack)}, DynamoDB Local ${ms(e2e.dynamo)}, generator + fauxqs ${ms(e2e.generator)}); PutItem ${ms(sum(putItem.caller, putItem.dynamo))} (caller ${ms(putItem.caller)}, DynamoDB Local ${ms(putItem.dynamo)}); SendMessage ${ms(sqsSend)} (caller + fauxqs)`,
    );
  }
}

export function printReads(rows: readonly ReadRow[]): void {
  out("\nReads against a clinic's history (through the API; RRU from ConsumedCapacity, Queries counted)");
  out(
    `  ${pad('payments', 10)}${lpad('report', 16)}${lpad("client's payments", 20)}${lpad('ledger of 1 payment', 21)}${lpad('admin list', 16)}`,
  );
  out(
    `  ${pad('', 10)}${lpad('RRU / Q', 16)}${lpad('RRU / Q', 20)}${lpad('RRU / Q', 21)}${lpad('RRU / Q', 16)}`,
  );
  for (const row of rows) {
    const cell = (cost: { rru: number; queries: number }, width: number) =>
      lpad(`${fmt(cost.rru, 1)} / ${cost.queries}`, width);
    out(
      `  ${pad(fmt(row.payments), 10)}${cell(row.report, 16)}${cell(row.clientPayments, 20)}${cell(row.paymentLedger, 21)}${cell(row.adminList, 16)}`,
    );
  }
  const last = rows.at(-1);
  if (last) {
    out(
      `  answered at ${fmt(last.payments)}: report counted ${fmt(last.report.answered)} payments, client ${last.clientPayments.answered} payment, ledger ${last.paymentLedger.answered} entry, admin ${last.adminList.answered} payments (one page)`,
    );
    out(
      `  report: ${(last.report.rru / Math.max(1, last.report.answered)).toFixed(3)} RRU per payment in its window (goal ≤ 0.05)`,
    );
  }
  out(
    '  history: 150 payments dated this month (UTC) that succeeded in the last 2 hours (the report asks that window),',
  );
  out(
    '  the rest dated hour by hour before the month, succeeded a minute apart before that window; one event each',
  );
}

export function printBundles(result: BundleResult): void {
  out(
    `\nLambda bundles (esbuild as CDK: ESM, minified, ${result.target}, source map beside; cold load = fresh node ${result.nodeFlags.length > 0 ? `${result.nodeFlags.join(' ')} ` : '(no flags, as deployed) '}importing it, median of ${result.runs}; ratio of CPU ms)`,
  );
  out(
    `  ${pad('function', 18)}${lpad('KB', 9)}${lpad('cold ms', 9)}${lpad('CPU ms', 9)}${lpad('ratio', 8)}   ${pad('goal', 26)}first use: deferred KB, CPU ms`,
  );
  out(
    `  ${pad('(SQS-only)', 18)}${lpad(fmt(result.reference.kb, 1), 9)}${lpad(fmt(result.reference.coldMs, 1), 9)}${lpad(fmt(result.reference.coldCpuMs, 1), 9)}${lpad('1.00×', 8)}`,
  );
  for (const row of result.rows) {
    const firstUse =
      row.deferred.packages.length > 0
        ? `+${row.deferred.packages.join(', ')} ${fmt(row.deferred.kb, 1)} KB, ${fmt(row.firstUseCpuMs, 1)} ms`
        : '';
    out(
      `  ${pad(row.name, 18)}${lpad(fmt(row.kb, 1), 9)}${lpad(fmt(row.coldMs, 1), 9)}${lpad(fmt(row.coldCpuMs, 1), 9)}${lpad(`${row.ratio.toFixed(2)}×`, 8)}   ${pad(`${row.goal} ${row.meetsGoal ? 'met' : 'NOT met'}`, 26)}${firstUse}`,
    );
  }
  out(
    '  (KB: the function file; the deferred packages ship beside it and load on first use, timed apart: "first use")',
  );
  printBundleContents(result);
}

export function printBundleContents(result: BundleResult): void {
  const top = result.ingestContents.slice(0, 8);
  out('  webhookIngest holds (KB of minified output, largest first):');
  out(`    ${top.map((entry) => `${entry.source} ${fmt(entry.kb, 0)}`).join(', ')}`);
}

export function printLogs(logs: LogBytes): void {
  out(
    `\nApplication log lines of the webhook path (Powertools JSON at ${deployedLogLevel}, the deployed default; ${logs.events} events)`,
  );
  if (Object.keys(logs.byService).length === 0)
    out('  none: every line of an applied event is below that level (per-event lines are DEBUG)');
  for (const [service, entry] of Object.entries(logs.byService)) {
    out(
      `  ${pad(service, 18)}${fmt(entry.bytesPerEvent, 1)} B/event in ${fmt(entry.linesPerEvent, 2)} lines`,
    );
  }
}

export function printCost(models: readonly CostModel[], floor: CostModel): void {
  out('\nCost per million webhook events, AWS list prices us-east-1 (USD)');
  for (const model of models) {
    out(`  batch of ${model.batch}: $${model.total.toFixed(2)}`);
    for (const line of model.lines)
      out(`    ${pad(line.item, 22)}${lpad(line.usd.toFixed(3), 7)}  ${line.detail}`);
  }
  out(`  floor (batch of ${floor.batch}): $${floor.total.toFixed(2)}`);
  for (const line of floor.lines)
    out(`    ${pad(line.item, 22)}${lpad(line.usd.toFixed(3), 7)}  ${line.detail}`);
  out(
    '  prices: API GW HTTP $1.00/M req; Lambda $0.20/M req + $0.0000133334/GB-s arm64; SQS $0.40/M req (64 KB chunks);',
  );
  out(
    '          DynamoDB on-demand $0.625/M WRU, $0.125/M RRU; CloudWatch Logs $0.50/GB ingested; X-Ray $5.00/M traces',
  );
  out(
    `  assumed: ingest ${assumptions.ingestDurationMs} ms, worker ${assumptions.workerDurationMs[1]} ms (batch 1) / ${assumptions.workerDurationMs[10]} ms (batch 10) billed;`,
  );
  out(
    `           X-Ray ${assumptions.xraySamplingRate * 100} % of an actively traced function's invocations (default rule; the 1/s reservoir is a fixed monthly cost, left out), none of a PassThrough one's;`,
  );
  out(
    "           Lambda's START/END/REPORT lines only when infra's system log level lets INFO through; free tiers left out",
  );
  out('  goal for later: ≤ $3.00/M at batches of 10');
}
