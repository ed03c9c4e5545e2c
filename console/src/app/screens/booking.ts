import type { Payment, Schemas } from '@basis/api-client';
import { facts, field, h, inputValue, money, replace, select } from '../dom.ts';
import { actionButton, frame, output, type Screen, until } from '../screen.ts';
import { api, remember, session, unwrap } from '../session.ts';
import { confirmPaymentIntent, simulator, testCards } from '../stripe-js.ts';

/** The booking payment being paid: its client secret stays in memory only (never stored, never logged). */
let current: Schemas['BookingPayment'] | undefined;

function paymentView(payment: Payment): HTMLElement {
  return facts('booking-payment', {
    payment: payment.paymentId,
    amount: money(payment.amount, payment.currency),
    status: payment.status,
    failure: payment.failure ? `${payment.failure.code}: ${payment.failure.message}` : null,
  });
}

/** Basis's record of the booking's payment, as the client sees it (`GET …/bookings/{bookingId}/payment`). */
async function readBookingPayment(): Promise<Payment> {
  return unwrap(
    await api('client').GET('/v1/clinics/{clinicId}/bookings/{bookingId}/payment', {
      params: {
        path: { clinicId: session.clinicId, bookingId: session.bookingId ?? '' },
        query: { mode: session.mode },
      },
    }),
  );
}

/** Waits until the webhook has told Basis how the payment went (the status leaves `requires_payment_method`). */
function settledPayment(): Promise<Payment> {
  return until(readBookingPayment, (payment) => payment.status !== 'requires_payment_method');
}

/**
 * Book and pay as the client: `POST …/bookings/{bookingId}/payment` creates the PaymentIntent; the simulator's
 * confirm stands in for Stripe.js; Basis learns the outcome from Stripe's webhook, so the screen waits for it.
 */
export const bookingScreen: Screen = {
  id: 'book',
  title: 'Book and pay',
  render() {
    const created = output('booking-created');
    const paid = output('booking-paid');
    const book = actionButton('Book (create payment)', 'book', created, async () => {
      remember({ bookingId: inputValue('bookingId'), serviceId: inputValue('bookingServiceId') });
      current = unwrap(
        await api('client').POST('/v1/clinics/{clinicId}/bookings/{bookingId}/payment', {
          params: { path: { clinicId: session.clinicId, bookingId: session.bookingId ?? '' } },
          body: {
            mode: session.mode,
            serviceId: session.serviceId,
            clientId: session.clientId,
            savePaymentMethod: inputValue('savePaymentMethod') === 'true',
          },
        }),
      );
      remember({ paymentId: current.paymentId });
      replace(paid);
      return facts('booking', {
        payment: current.paymentId,
        amount: money(current.amount, current.currency),
        status: current.status,
      });
    });
    const pay = actionButton('Pay with this card', 'pay', paid, async () => {
      if (!current) throw new Error('Book first: the payment’s client secret comes from the booking.');
      const outcome = await confirmPaymentIntent(
        current.publishableKey,
        current.clientSecret,
        inputValue('card'),
      );
      const stripeSays = h(
        'p',
        { id: 'stripe-says' },
        `Stripe.js: ${outcome.status}${outcome.error ? ` (${outcome.error.declineCode ?? outcome.error.code}: ${outcome.error.message})` : ''}`,
      );
      const payment = await settledPayment();
      return h(
        'div',
        {},
        stripeSays,
        h('h3', {}, 'Basis’s record (set by Stripe’s webhook)'),
        paymentView(payment),
        payment.status === 'requires_action' ? threeDSecure() : null,
      );
    });
    return frame(
      'Book and pay',
      `client ${session.clientId}`,
      'Creates the booking’s PaymentIntent for the service’s price (a repeat returns the same one), then pays it ' +
        'with a test card, as Stripe.js would in the client’s browser. The status shown is Basis’s, set by the webhook.',
      h(
        'form',
        { class: 'grid', onsubmit: (event) => event.preventDefault() },
        field('Booking id', 'bookingId', `booking_${Date.now().toString(36)}`),
        field('Service id', 'bookingServiceId', session.serviceId),
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', id: 'savePaymentMethod' }),
          'Save the card for next time',
        ),
      ),
      h('div', { class: 'actions' }, book),
      created,
      h('h3', {}, 'Pay'),
      h('div', { class: 'grid' }, select('Test card', 'card', testCards, 'pm_card_visa')),
      h('div', { class: 'actions' }, pay),
      paid,
    );
  },
};

/** The customer's 3-D Secure challenge, played by the simulator (it needs the secret key the console made up). */
function threeDSecure(): HTMLElement {
  const result = output('three-d-secure');
  const pass = actionButton('Pass 3-D Secure (simulator)', 'pass-3ds', result, async () => {
    if (!session.secretKey || !current)
      throw new Error('Only a clinic connected from this console can play 3-D Secure.');
    await simulator(`/_sim/payment_intents/${current.paymentId}/3ds`, session.secretKey, { outcome: 'pass' });
    return paymentView(await until(readBookingPayment, (payment) => payment.status === 'succeeded'));
  });
  return h(
    'div',
    {},
    h('p', {}, 'The card needs the client present: in a browser Stripe.js shows the bank’s challenge.'),
    pass,
    result,
  );
}
