import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { connectClinic, postSignedEvent, succeededEvent } from './support/clinic-client.ts';
import { runBounded, waitUntil } from './support/stats.ts';
import { type Emulators, startBenchStack } from './support/system.ts';

/** Application log output of the webhook path, per event, as the functions write it (Powertools JSON lines). */
export interface LogBytes {
  events: number;
  /** Bytes (UTF-8, newline included) and lines per event, by Powertools `service`. */
  byService: Record<string, { bytesPerEvent: number; linesPerEvent: number }>;
  /** Bytes per event over every service of the webhook path. */
  bytesPerEvent: number;
  /** One line of each service, for the report. */
  samples: Record<string, string>;
}

/**
 * Runs `count` signed events through a stack whose functions log as in Lambda, and counts what they write to
 * stdout/stderr (which CloudWatch Logs would ingest) by the `service` field of each JSON line. The writes are
 * swallowed while counting, so the report stays readable.
 */
export async function benchLogBytes(
  emulators: Emulators,
  count: number,
  concurrency: number,
): Promise<LogBytes> {
  const stack = await startBenchStack(emulators, { realLogs: true });
  const byService: Record<string, { bytes: number; lines: number }> = {};
  const samples: Record<string, string> = {};
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const countLines = (chunk: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let service = 'other';
      try {
        service = String((JSON.parse(line) as { service?: unknown }).service ?? 'other');
      } catch {
        // Not a JSON line: counted as `other`.
      }
      const entry = byService[service] ?? { bytes: 0, lines: 0 };
      entry.bytes += Buffer.byteLength(line) + 1;
      entry.lines += 1;
      byService[service] = entry;
      samples[service] ??= line;
    }
  };
  const swallow = ((chunk: unknown, ...rest: unknown[]) => {
    countLines(chunk);
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    process.stdout.write = swallow;
    process.stderr.write = swallow;
    const clinic = await connectClinic(stack.apiUrl, 'clinic_logs');
    // Only the webhook path is counted: forget what connecting the clinic logged.
    for (const service of Object.keys(byService)) delete byService[service];
    for (const service of Object.keys(samples)) delete samples[service];
    const now = Math.floor(Date.now() / 1000);
    const bodies = Array.from({ length: count }, (_, i) =>
      succeededEvent(clinic.clinicId, {
        paymentId: `pi_logs${i}`,
        eventId: `evt_logs${i}`,
        paymentCreated: now - 60,
        eventCreated: now - 30,
        clientId: `cl_${i % 20}`,
      }),
    );
    await runBounded(count, concurrency, (i) => postSignedEvent(clinic, bodies[i] ?? ''));
    await waitUntil(
      async () => {
        const output = await stack.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: stack.queues.payments.url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const attributes = output.Attributes ?? {};
        return (
          attributes.ApproximateNumberOfMessages === '0' &&
          attributes.ApproximateNumberOfMessagesNotVisible === '0'
        );
      },
      60_000,
      'logged events applied',
    );
  } finally {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
    await stack.stop();
  }
  const perEvent = Object.fromEntries(
    Object.entries(byService).map(([service, entry]) => [
      service,
      { bytesPerEvent: entry.bytes / count, linesPerEvent: entry.lines / count },
    ]),
  );
  return {
    events: count,
    byService: perEvent,
    bytesPerEvent: Object.values(perEvent).reduce((sum, entry) => sum + entry.bytesPerEvent, 0),
    samples,
  };
}
