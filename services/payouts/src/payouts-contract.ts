import { jsonContent, type RouteContracts } from '@basis/shared';
import { payoutPageSchema, payoutViewSchema } from './domain/payout-view.ts';
import { payoutListQuerySchema } from './payouts-routes.ts';

/** The payouts API's contracts, by routeKey (payouts-routes.ts parses and answers with these schemas). */
export const payoutsContracts: RouteContracts = {
  'GET /v1/clinics/{clinicId}/payouts': {
    summary: "The clinic's payouts, newest first, each with its reconciliation",
    query: payoutListQuerySchema,
    responses: { 200: { description: 'A page of payouts.', content: jsonContent(payoutPageSchema) } },
    errors: [],
  },
  'GET /v1/clinics/{clinicId}/payouts/{payoutId}': {
    summary: 'A payout, itemised: which payments, refunds and fees it paid out',
    responses: { 200: { description: 'The payout.', content: jsonContent(payoutViewSchema) } },
    errors: ['payout_not_found'],
  },
};
