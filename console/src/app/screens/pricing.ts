import type { Schemas } from '@basis/api-client';
import { facts, field, h, inputValue, money } from '../dom.ts';
import { actionButton, frame, output, type Screen } from '../screen.ts';
import { api, remember, session, unwrap } from '../session.ts';

function pricingView(pricing: Schemas['Pricing']): HTMLElement {
  return facts('pricing', {
    service: session.serviceId,
    price: money(pricing.amount, pricing.currency),
    'payment at booking': pricing.requirePaymentAtBooking ? 'required' : 'not required',
  });
}

/** Set a service's price: `PUT …/services/{serviceId}/pricing` (clinic_admin); read it back with `GET`. */
export const pricingScreen: Screen = {
  id: 'pricing',
  title: 'Service price',
  render() {
    const result = output('pricing-result');
    const path = () => ({ clinicId: session.clinicId, serviceId: inputValue('serviceId') });
    const save = actionButton('Save price', 'save-price', result, async () => {
      const amount = Number(inputValue('amount'));
      const pricing = unwrap(
        await api('clinic_admin').PUT('/v1/clinics/{clinicId}/services/{serviceId}/pricing', {
          params: { path: path() },
          // A non-number is sent as it is typed, so the API's 400 names the field.
          body: {
            amount: Number.isNaN(amount) ? (inputValue('amount') as unknown as number) : amount,
            currency: inputValue('currency'),
            requirePaymentAtBooking: inputValue('requirePaymentAtBooking') === 'true',
          },
        }),
      );
      remember({ serviceId: path().serviceId });
      return pricingView(pricing);
    });
    const read = actionButton('Read price', 'read-price', result, async () => {
      remember({ serviceId: path().serviceId });
      return pricingView(
        unwrap(
          await api('clinic_admin').GET('/v1/clinics/{clinicId}/services/{serviceId}/pricing', {
            params: { path: path() },
          }),
        ),
      );
    });
    return frame(
      'Service price',
      'clinic_admin',
      'The price a client pays when booking the service. Amounts are in the currency’s minor unit (cents).',
      h(
        'form',
        { class: 'grid', onsubmit: (event) => event.preventDefault() },
        field('Service id', 'serviceId', session.serviceId),
        field('Amount (cents)', 'amount', '5000', { inputmode: 'numeric' }),
        field('Currency', 'currency', 'usd'),
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', id: 'requirePaymentAtBooking', checked: true }),
          'Payment required at booking',
        ),
      ),
      h('div', { class: 'actions' }, save, read),
      result,
    );
  },
};
