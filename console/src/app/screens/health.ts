import { h, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';

/** `GET …/stripe/{mode}/health`: each check with what was found and, when it failed, what to do. */
async function health(): Promise<HTMLElement> {
  const result = unwrap(
    await api('clinic_admin').GET('/v1/clinics/{clinicId}/stripe/{mode}/health', {
      params: { path: { clinicId: session.clinicId, mode: session.mode } },
    }),
  );
  return h(
    'div',
    {},
    h('p', { id: 'health-status', class: `health health-${result.status}` }, `Status: ${result.status}`),
    h(
      'p',
      {},
      `Checked ${result.checkedAt}; last event received ${result.lastEventReceivedAt ?? 'none yet'} (as of the last missed-event sweep).`,
    ),
    table(
      ['check', 'ok', 'what was found / what to do'],
      result.checks.map((check) => [check.name, check.ok ? 'yes' : 'NO', check.detail]),
      'health-checks',
    ),
  );
}

/** `POST …/stripe/{mode}/webhook/repair`: registers the managed endpoint again, then checks once more. */
async function repair(): Promise<HTMLElement> {
  unwrap(
    await api('clinic_admin').POST('/v1/clinics/{clinicId}/stripe/{mode}/webhook/repair', {
      params: { path: { clinicId: session.clinicId, mode: session.mode } },
    }),
  );
  return health();
}

/** Connection health: the troubleshooting list as a feature (docs/api.md, "Stripe connection health"). */
export const healthScreen: Screen = {
  id: 'health',
  title: 'Connection health',
  render() {
    const state = output('health-availability');
    void run(state, health);
    return frame(
      'Connection health',
      'clinic_admin',
      'Checks the key, its permissions, the webhook endpoint, signature failures, missed and failed events, and says what to do about each.',
      h(
        'div',
        { class: 'actions' },
        actionButton('Check again', 'check-health', state, health),
        actionButton('Repair the webhook endpoint', 'repair-webhook', state, repair),
      ),
      state,
    );
  },
};
