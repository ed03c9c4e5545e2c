import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sqsEventOf } from '../../test/support/sqs-event.ts';
import type { WebhookEventMessage } from '../src/contracts/queue-message.ts';
import type { LedgerEntry } from '../src/ledger/event-ledger.ts';
import { createObservability } from '../src/observability/observability.ts';
import { type AppliedEvent, type EventGrouping, queueWorker } from '../src/worker/queue-worker.ts';

function webhook(
  eventId: string,
  objectId: string,
  created: number,
  type = 'thing.updated',
): WebhookEventMessage {
  return {
    kind: 'stripe.webhook_event',
    clinicId: 'clinic_g',
    mode: 'test',
    receivedAt: new Date(created * 1000).toISOString(),
    event: {
      id: eventId,
      object: 'event',
      type,
      created,
      livemode: false,
      data: { object: { id: objectId, object: 'thing' } },
    },
  };
}

/** A worker whose groups and single events are recorded in the order the kit hands them over. */
function recordingWorker(options: {
  grouping?: Partial<EventGrouping>;
  failGroup?: (ids: readonly string[]) => boolean;
  /** Events that cannot be applied alone either (a poison message). */
  failAlone?: readonly string[];
  internal?: (body: unknown) => Promise<unknown>;
}) {
  const groups: string[][] = [];
  const singles: string[] = [];
  const ledger: LedgerEntry[] = [];
  /** Groups when they end, single events when they start. */
  const timeline: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const grouping: EventGrouping = {
    groupOf: (message) => message.event.data.object.id,
    applyGroup: async (messages) => {
      const ids = messages.map((message) => message.event.id);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Let every other group start before this one ends: groups run concurrently with each other.
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      groups.push(ids);
      timeline.push(`group ${ids.join(',')}`);
      if (options.failGroup?.(ids)) throw new Error(`group ${ids.join(',')} failed`);
      return ids.map((id): AppliedEvent => (id.endsWith('dup') ? 'duplicate' : 'applied'));
    },
    ...options.grouping,
  };
  const worker = queueWorker({
    queue: 'payments',
    observability: createObservability('paymentsWorker', { logLevel: 'SILENT' }),
    ledger: {
      record: async (entry) => {
        ledger.push(entry);
      },
      has: async () => ({ settled: false, receivedAt: null }),
      list: async () => ({ data: [], nextCursor: null }),
    },
    applyEvent: async (message) => {
      singles.push(message.event.id);
      timeline.push(`single ${message.event.id}`);
      if (options.failAlone?.includes(message.event.id))
        throw new Error(`${message.event.id} cannot be applied`);
      return 'applied';
    },
    grouping,
    internal: { 'basis.test': async (body) => (options.internal ?? (async () => 'done'))(body) },
  });
  const run = (bodies: readonly unknown[]) => worker(sqsEventOf(bodies), {} as Context);
  return { run, groups, singles, ledger, timeline, maxInFlight: () => maxInFlight };
}

describe('the queue worker groups a batch by object', () => {
  it('hands each object its events together, ordered by created then the context order, groups side by side', async () => {
    const orderOf = (message: WebhookEventMessage) => (message.event.type === 'thing.finished' ? 1 : 0);
    const worker = recordingWorker({ grouping: { orderOf } });
    const response = await worker.run([
      webhook('evt_a3', 'obj_a', 102),
      webhook('evt_b2', 'obj_b', 100, 'thing.finished'),
      webhook('evt_a1', 'obj_a', 100),
      webhook('evt_b1', 'obj_b', 100),
      webhook('evt_a2', 'obj_a', 101),
      webhook('evt_a2dup', 'obj_a', 101),
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(worker.groups.sort()).toEqual([
      ['evt_a1', 'evt_a2', 'evt_a2dup', 'evt_a3'],
      ['evt_b1', 'evt_b2'],
    ]);
    expect(worker.maxInFlight()).toBe(2);
    expect(worker.singles).toEqual([]);
    // Each record's own ledger entry and outcome, as when applied one by one.
    const outcomes = Object.fromEntries(worker.ledger.map((entry) => [entry.eventId, entry.outcome]));
    expect(outcomes).toEqual({
      evt_a1: 'applied',
      evt_a2: 'applied',
      evt_a2dup: 'duplicate',
      evt_a3: 'applied',
      evt_b1: 'applied',
      evt_b2: 'applied',
    });
  });

  it('applies a group that throws again event by event, in order: only the event that cannot be applied fails', async () => {
    const worker = recordingWorker({
      failGroup: (ids) => ids.includes('evt_b1'),
      failAlone: ['evt_b1'],
    });
    const response = await worker.run([
      webhook('evt_a1', 'obj_a', 100),
      webhook('evt_b2', 'obj_b', 101),
      webhook('evt_c1', 'obj_c', 100),
      webhook('evt_b1', 'obj_b', 100),
      webhook('evt_b3', 'obj_b', 102),
    ]);
    // The poison event fails alone; its object's other events are applied, in order, and not sent round again.
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m3']);
    expect(worker.singles).toEqual(['evt_b1', 'evt_b2', 'evt_b3']);
    const outcomes = Object.fromEntries(worker.ledger.map((entry) => [entry.eventId, entry.outcome]));
    expect(outcomes).toEqual({
      evt_a1: 'applied',
      evt_b1: 'failed',
      evt_b2: 'applied',
      evt_b3: 'applied',
      evt_c1: 'applied',
    });
    expect(worker.ledger.find((entry) => entry.eventId === 'evt_b1')?.reason).toBe(
      'Error: evt_b1 cannot be applied',
    );
  });

  it('fails every record of a group that fails alone too, and only those', async () => {
    const worker = recordingWorker({
      failGroup: (ids) => ids.includes('evt_b1'),
      failAlone: ['evt_b1', 'evt_b2'],
    });
    const response = await worker.run([
      webhook('evt_a1', 'obj_a', 100),
      webhook('evt_b1', 'obj_b', 100),
      webhook('evt_b2', 'obj_b', 101),
    ]);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m1', 'm2']);
  });

  it('applies alone the events of a group whose application answers for fewer events than it was given', async () => {
    const worker = recordingWorker({ grouping: { applyGroup: async () => ['applied'] } });
    const response = await worker.run([webhook('evt_a1', 'obj_a', 100), webhook('evt_a2', 'obj_a', 101)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(worker.singles).toEqual(['evt_a1', 'evt_a2']);
  });

  it('applies ungrouped events alone, after the groups, and internal messages by their handler', async () => {
    const seen: unknown[] = [];
    const worker = recordingWorker({
      grouping: { groupOf: (message) => (message.event.id === 'evt_alone' ? undefined : 'obj') },
      internal: async (body) => {
        seen.push(body);
        if ((body as { fail?: boolean }).fail) throw new Error('internal failure');
        return 'done';
      },
    });
    const response = await worker.run([
      webhook('evt_alone', 'obj_a', 100),
      { kind: 'basis.test', clinicId: 'clinic_g', mode: 'test', n: 1 },
      webhook('evt_g1', 'obj_b', 100),
      { kind: 'basis.test', clinicId: 'clinic_g', mode: 'test', fail: true },
      { kind: 'stripe.webhook_event', clinicId: 'clinic_g' },
    ]);
    // The ungrouped event waits for the batch's groups: it may concern a grouped object and must not race its write.
    expect(worker.timeline).toEqual(['group evt_g1', 'single evt_alone']);
    expect(seen).toHaveLength(2);
    // The internal message that threw and the webhook body that does not parse fail alone.
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m3', 'm4']);
  });

  it('without grouping, applies every event alone', async () => {
    const singles: string[] = [];
    const worker = queueWorker({
      queue: 'payments',
      observability: createObservability('paymentsWorker', { logLevel: 'SILENT' }),
      ledger: {
        record: async () => {},
        has: async () => ({ settled: false, receivedAt: null }),
        list: async () => ({ data: [], nextCursor: null }),
      },
      applyEvent: async (message) => {
        singles.push(message.event.id);
        return 'applied';
      },
    });
    await worker(sqsEventOf([webhook('evt_1', 'obj_a', 100), webhook('evt_2', 'obj_a', 101)]), {} as Context);
    expect(singles.sort()).toEqual(['evt_1', 'evt_2']);
  });
});
