import type { StripeConnections } from '@basis/api-client';
import { facts, field, h, inputValue } from '../dom.ts';
import { actionButton, frame, output, run, type Screen } from '../screen.ts';
import { api, remember, session, unwrap } from '../session.ts';

/** A made-up key pair of a fresh simulator account: any suffix is an account of its own (stripe-sim/README.md). */
export function madeUpKeys(mode: 'test' | 'live'): { secretKey: string; publishableKey: string } {
  const suffix = `console${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  return { secretKey: `sk_${mode}_${suffix}`, publishableKey: `pk_${mode}_${suffix}` };
}

function connectionsView(connections: StripeConnections): HTMLElement {
  const mode = connections[session.mode];
  if (mode.status === 'not_connected')
    return h('p', { id: 'connection-status' }, `${session.mode} mode: not connected`);
  return facts('connection', {
    status: mode.status,
    account: mode.accountId,
    'publishable key': mode.publishableKey,
    'secret key': `…${mode.secretKeyLast4}`,
    webhook: `${mode.webhook.managed ? 'managed' : 'admin-given secret'} → ${mode.webhook.url ?? '—'}`,
    'connected at': mode.connectedAt,
  });
}

/** Connect the clinic's Stripe account for the mode: `PUT …/stripe/{mode}`, then `GET …/stripe`. */
export const connectScreen: Screen = {
  id: 'connect',
  title: 'Connect Stripe',
  render() {
    const result = output('connect-result');
    const current = output('connection-current');
    const fillKeys = h('button', { id: 'make-up-keys', type: 'button' }, 'Make up simulator keys');
    fillKeys.addEventListener('click', () => {
      const keys = madeUpKeys(session.mode);
      (document.getElementById('publishableKey') as HTMLInputElement).value = keys.publishableKey;
      (document.getElementById('secretKey') as HTMLInputElement).value = keys.secretKey;
    });
    const connect = actionButton('Connect', 'connect', result, async () => {
      const secretKey = inputValue('secretKey');
      const publishableKey = inputValue('publishableKey');
      const webhookSecret = inputValue('webhookSecret');
      unwrap(
        await api('clinic_admin').PUT('/v1/clinics/{clinicId}/stripe/{mode}', {
          params: { path: { clinicId: session.clinicId, mode: session.mode } },
          body: { publishableKey, secretKey, ...(webhookSecret ? { webhookSecret } : {}) },
        }),
      );
      remember({ secretKey, publishableKey });
      void run(current, async () => connectionsView(await readConnections()));
      return `Connected ${session.mode} mode.`;
    });
    void run(current, async () => connectionsView(await readConnections()));
    return frame(
      'Connect Stripe',
      'clinic_admin',
      'The keys are verified with Stripe (here: the simulator) and the webhook endpoint is registered on the account. ' +
        'Leave the signing secret empty to let Basis manage the endpoint. Made-up keys make a fresh simulator account.',
      h('h3', {}, 'Current connection'),
      current,
      h(
        'form',
        { class: 'grid', onsubmit: (event) => event.preventDefault() },
        field('Publishable key', 'publishableKey', session.publishableKey ?? '', {
          placeholder: 'pk_test_…',
        }),
        field('Secret key', 'secretKey', session.secretKey ?? '', { placeholder: 'sk_test_… or rk_test_…' }),
        field('Webhook signing secret (optional)', 'webhookSecret', '', { placeholder: 'whsec_…' }),
      ),
      h('div', { class: 'actions' }, fillKeys, connect),
      result,
    );
  },
};

async function readConnections(): Promise<StripeConnections> {
  return unwrap(
    await api('clinic_admin').GET('/v1/clinics/{clinicId}/stripe', {
      params: { path: { clinicId: session.clinicId } },
    }),
  );
}
