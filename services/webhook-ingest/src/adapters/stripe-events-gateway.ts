import { callStripe, type StripeClientSource, stripeLoaderOf } from '@basis/shared';
import type Stripe from 'stripe';

/** Stripe's Events API (events are kept 30 days), for the missed-event sweep. */
export interface EventsGateway {
  /** Events created in [from, to] (Stripe seconds), newest first, all pages. */
  eventsBetween(secretKey: string, from: number, to: number): AsyncIterable<Stripe.Event>;
  /** One event by id (`StripeObjectMissingError` when Stripe does not have it, e.g. older than 30 days). */
  event(secretKey: string, eventId: string): Promise<Stripe.Event>;
}

export function stripeEventsGateway(source: StripeClientSource): EventsGateway {
  const sdk = stripeLoaderOf(source);
  return {
    async *eventsBetween(secretKey, from, to) {
      let startingAfter: string | undefined;
      for (;;) {
        const page = await callStripe(async () =>
          (await sdk()).events.list(
            {
              created: { gte: from, lte: to },
              limit: 100,
              ...(startingAfter ? { starting_after: startingAfter } : {}),
            },
            { apiKey: secretKey },
          ),
        );
        yield* page.data;
        const last = page.data.at(-1);
        if (!page.has_more || !last) return;
        startingAfter = last.id;
      }
    },
    event(secretKey, eventId) {
      return callStripe(async () => (await sdk()).events.retrieve(eventId, {}, { apiKey: secretKey }));
    },
  };
}
