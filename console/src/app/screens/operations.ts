import { h, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen } from '../screen.ts';

/** One queue as `GET /_local/queues` (the local server's, never AWS's) answers it: `npm run ops -- status`. */
interface QueueStatus {
  queue: string;
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
  deadLetters: number;
  deadLetterOldestAgeSeconds: number | null;
}

const age = (seconds: number | null) => (seconds === null ? '–' : `${seconds} s`);

async function localJson<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const answer = await fetch(path, { method });
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}`);
  return (await answer.json()) as T;
}

/** The queues and their DLQs, each DLQ with a redrive button (SQS's redrive, as `npm run ops -- redrive` does). */
async function queues(list: HTMLElement): Promise<HTMLElement> {
  const { data } = await localJson<{ data: QueueStatus[] }>('GET', '/_local/queues');
  const redriveButton = (queue: string) =>
    actionButton(`Redrive ${queue} DLQ`, `redrive-${queue}`, list, async () => {
      const { moved } = await localJson<{ moved: number }>('POST', `/_local/queues/${queue}/redrive`);
      const refreshed = await queues(list);
      return h(
        'div',
        {},
        h('p', { id: 'redrive-result' }, `Moved ${moved} messages back to ${queue}.`),
        refreshed,
      );
    });
  return table(
    ['queue', 'visible', 'in flight', 'delayed', 'oldest', 'DLQ', 'DLQ oldest', ''],
    data.map((status) => [
      status.queue,
      status.visible,
      status.inFlight,
      status.delayed,
      age(status.oldestAgeSeconds),
      h('span', { id: `dlq-${status.queue}` }, String(status.deadLetters)),
      age(status.deadLetterOldestAgeSeconds),
      status.deadLetters > 0 ? redriveButton(status.queue) : '',
    ]),
    'queues-table',
  );
}

/**
 * Operations: the local stack's queues and dead-letter queues with a redrive button (the same moves as
 * `npm run ops`), beside the event ledger screen, which shows each event's outcome per clinic.
 */
export const operationsScreen: Screen = {
  id: 'operations',
  title: 'Operations',
  render() {
    const list = output('queues-list');
    const load = () => queues(list);
    void run(list, load);
    return frame(
      'Operations (local)',
      'the local stack',
      'Each worker queue with its dead-letter queue. A message lands in a DLQ after its retries; once the cause is fixed, redrive moves it back. The event ledger screen shows what became of each event. In AWS: npm run ops -- status | redrive --stage <name>.',
      h('div', { class: 'actions' }, actionButton('Reload', 'reload-queues', list, load)),
      list,
    );
  },
};
