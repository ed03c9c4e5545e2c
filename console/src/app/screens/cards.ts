import type { Schemas } from '@basis/api-client';
import { h, inputValue, select, table } from '../dom.ts';
import { actionButton, frame, output, run, type Screen, until } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';
import { confirmSetupIntent, testCards } from '../stripe-js.ts';

const path = () => ({ clinicId: session.clinicId, clientId: session.clientId });

async function savedCards(): Promise<Schemas['SavedCards']> {
  return unwrap(
    await api('client').GET('/v1/clinics/{clinicId}/clients/{clientId}/payment-methods', {
      params: { path: path(), query: { mode: session.mode } },
    }),
  );
}

/** The client's saved cards (`GET …/payment-methods`), each with a remove button (`DELETE …/{paymentMethodId}`). */
function cardsView(cards: Schemas['SavedCards'], list: HTMLElement): HTMLElement | string {
  if (cards.data.length === 0) return 'No saved cards.';
  return table(
    ['card', 'expires', 'default', ''],
    cards.data.map((card) => [
      `${card.brand} •••• ${card.last4}`,
      `${String(card.expMonth).padStart(2, '0')}/${card.expYear}`,
      card.isDefault ? 'yes' : '',
      actionButton('Remove', `remove-${card.id}`, list, async () => {
        unwrap(
          await api('client').DELETE(
            '/v1/clinics/{clinicId}/clients/{clientId}/payment-methods/{paymentMethodId}',
            {
              params: { path: { ...path(), paymentMethodId: card.id }, query: { mode: session.mode } },
            },
          ),
        );
        return cardsView(await savedCards(), list);
      }),
    ]),
    'saved-cards',
  );
}

/** Save a card as the client: a SetupIntent from Basis, confirmed as Stripe.js would (`confirmCardSetup`). */
export const cardsScreen: Screen = {
  id: 'cards',
  title: 'Saved cards',
  render() {
    const list = output('cards-list');
    const save = actionButton('Save this card', 'save-card', list, async () => {
      const before = (await savedCards()).data.length;
      const setup = unwrap(
        await api('client').POST('/v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup', {
          params: { path: path() },
          body: { mode: session.mode },
        }),
      );
      const outcome = await confirmSetupIntent(
        setup.publishableKey,
        setup.clientSecret,
        inputValue('setupCard'),
      );
      if (outcome.error) throw new Error(`Stripe.js: ${outcome.error.message}`);
      // Basis records the card when Stripe's webhook about the SetupIntent arrives: wait for it.
      return cardsView(await until(savedCards, (cards) => cards.data.length > before), list);
    });
    void run(list, async () => cardsView(await savedCards(), list));
    return frame(
      'Saved cards',
      `client ${session.clientId}`,
      'A saved card pays later bookings without the client typing it again (and staff can charge a no-show fee to it).',
      h('div', { class: 'grid' }, select('Test card', 'setupCard', testCards, 'pm_card_visa')),
      h(
        'div',
        { class: 'actions' },
        save,
        actionButton('Reload', 'reload-cards', list, async () => cardsView(await savedCards(), list)),
      ),
      list,
    );
  },
};
