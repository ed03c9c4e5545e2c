import { h, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';

async function ledger(): Promise<HTMLElement | string> {
  const page = unwrap(
    await api('clinic_admin').GET('/v1/clinics/{clinicId}/events', {
      params: { path: { clinicId: session.clinicId }, query: { mode: session.mode, limit: 50 } },
    }),
  );
  if (page.data.length === 0) return 'No events yet.';
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

/** The event ledger (`GET …/events`): every Stripe event Basis received, newest first, and what it did with it. */
export const eventsScreen: Screen = {
  id: 'events',
  title: 'Event ledger',
  render() {
    const list = output('events-list');
    void run(list, ledger);
    return frame(
      'Event ledger',
      'clinic_admin',
      'Applied: changed a record. Duplicate/stale: already known or older than what Basis has. Ignored: a type Basis does not use. Failed: see the reason.',
      h('div', { class: 'actions' }, actionButton('Reload', 'reload-events', list, ledger)),
      list,
    );
  },
};
