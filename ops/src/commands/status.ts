import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { queueNames } from '@basis/shared';
import type { OpsTarget } from '../targets/ops-target.ts';

/** One queue's state as `status` prints it. */
export interface QueueStatus {
  queue: string;
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
  deadLetters: number;
  deadLetterOldestAgeSeconds: number | null;
}

async function countsOf(target: OpsTarget, url: string) {
  const { Attributes = {} } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Each queue's depth (visible, in flight, delayed), its DLQ's count, and both oldest ages. */
export async function queueStatuses(target: OpsTarget): Promise<QueueStatus[]> {
  const urls = queueNames.flatMap((name) => [target.queues[name].url, target.queues[name].dlqUrl]);
  const ages = await target.oldestAgeSeconds(urls);
  return Promise.all(
    queueNames.map(async (name) => {
      const { url, dlqUrl } = target.queues[name];
      const [queue, dlq] = await Promise.all([countsOf(target, url), countsOf(target, dlqUrl)]);
      return {
        queue: name,
        ...queue,
        oldestAgeSeconds: ages[url] ?? null,
        deadLetters: dlq.visible + dlq.inFlight + dlq.delayed,
        deadLetterOldestAgeSeconds: ages[dlqUrl] ?? null,
      };
    }),
  );
}

/** The statuses as an aligned table, one line per queue. */
export function formatStatuses(statuses: readonly QueueStatus[]): string[] {
  const header = ['queue', 'visible', 'in flight', 'delayed', 'oldest (s)', 'DLQ', 'DLQ oldest (s)'];
  const age = (value: number | null) => (value === null ? '-' : String(value));
  const rows = statuses.map((status) => [
    status.queue,
    String(status.visible),
    String(status.inFlight),
    String(status.delayed),
    age(status.oldestAgeSeconds),
    String(status.deadLetters),
    age(status.deadLetterOldestAgeSeconds),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
