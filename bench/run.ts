import { benchIngestCpu } from './ingest-cpu.ts';
import { benchWorkerWrites } from './worker-writes.ts';

/**
 * `npm run bench`: figures measured side by side in one run. Not part of `npm test`; results go to
 * docs/benchmarks.md with this command.
 */
const iterations = Number(process.env.BENCH_ITERATIONS ?? 20000);
const payments = Number(process.env.BENCH_PAYMENTS ?? 200);

console.log(`node ${process.version}, ${process.arch}`);
const ingest = await benchIngestCpu(iterations);
console.log('\nWebhook ingest, CPU per verified event (warm, secret cached, SQS send counted not timed)');
console.log(`  payload                         ${ingest.payloadBytes} bytes`);
console.log(`  ingest handler                  ${ingest.handlerMicros.toFixed(1)} µs/event`);
console.log(`  bare HMAC-SHA256 + JSON.parse   ${ingest.bareMicros.toFixed(1)} µs/event`);
console.log(`  ratio handler / bare            ${ingest.ratio.toFixed(2)}×`);
console.log(
  `  (median of ${ingest.rounds} rounds × ${ingest.iterations} events; ${ingest.sends} sends counted)`,
);

const writes = await benchWorkerWrites(payments);
console.log(
  `\nPayments worker, DynamoDB requests per event (${writes.events} events, batches of 10, DynamoDB Local)`,
);
console.log(
  `  applied event     ${writes.appliedRecordWritesPerEvent.toFixed(2)} record writes + ${writes.appliedLedgerWritesPerEvent.toFixed(2)} ledger writes, ${writes.appliedReadsPerEvent.toFixed(2)} reads`,
);
console.log(
  `  duplicate event   ${writes.duplicateRecordWritesPerEvent.toFixed(2)} record writes + ${writes.duplicateLedgerWritesPerEvent.toFixed(2)} ledger writes, ${writes.duplicateReadsPerEvent.toFixed(2)} reads`,
);
console.log(
  `  raw counts        applied ${JSON.stringify(writes.appliedCounts)}  duplicate ${JSON.stringify(writes.duplicateCounts)}`,
);
