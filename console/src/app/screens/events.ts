import { field, h, inputValue, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';

/**
 * One object's events when an id is given (`pi_…`: a payment's, with its charges', refunds' and disputes'; any
 * other Stripe id: that object's), else the events that failed at least once: the API's two forms of the ledger.
 */
async function ledger(subject: string): Promise<HTMLElement | string> {
  const selection =
    subject === '' ? {} : subject.startsWith('pi_') ? { paymentId: subject } : { objectId: subject };
  const page = unwrap(
    await api('clinic_admin').GET('/v1/clinics/{clinicId}/events', {
      params: {
        path: { clinicId: session.clinicId },
        query: { mode: session.mode, limit: 50, ...selection },
      },
    }),
  );
  if (page.data.length === 0) return subject === '' ? 'No event failed.' : `No events of ${subject} yet.`;
  return table(
    ['received', 'type', 'object', 'outcome', 'reason', 'deliveries'],
    page.data.map((event) => [
      event.receivedAt,
      event.type,
      event.objectId,
      h('span', { class: `outcome outcome-${event.outcome}` }, event.outcome),
      event.reason,
      event.deliveries,
    ]),
    'events-table',
  );
}

/** The event ledger (`GET …/events`): what Basis did with each Stripe event of an object, or which ones failed. */
export const eventsScreen: Screen = {
  id: 'events',
  title: 'Event ledger',
  render() {
    const list = output('events-list');
    const form = h(
      'div',
      { class: 'actions' },
      field(
        'Payment or Stripe object id (empty: events that failed)',
        'eventsSubject',
        session.paymentId ?? '',
      ),
      actionButton('Show events', 'reload-events', list, () => ledger(inputValue('eventsSubject'))),
    );
    void run(list, () => ledger(session.paymentId ?? ''));
    return frame(
      'Event ledger',
      'clinic_admin',
      "A payment's events (its charges', refunds' and disputes' too) or any Stripe object's; without an id, the events that failed at least once and what their retries achieved. Applied: changed a record. Duplicate/stale: already known or older than what Basis has. Ignored: a type Basis does not use. Failed: see the reason.",
      form,
      list,
    );
  },
};
