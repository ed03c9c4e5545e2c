import {
  idempotencyKeyHeaderSchema,
  jsonContent,
  type RouteContracts,
  stripeCallErrors,
} from '@basis/shared';
import { refundAcceptedSchema, refundBodySchema } from './use-cases/request-refund.ts';

/** The refunds API's contracts, by routeKey (refunds-routes.ts parses and answers with these schemas). */
export const refundsContracts: RouteContracts = {
  'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds': {
    summary: 'Refund a payment, in full or in part',
    description:
      'Without `amount`, all that remains. The same `Idempotency-Key` never refunds twice. When Stripe refuses, the refund is recorded `failed` (422 `refund_rejected`); when its answer is unknown, 202 with status `pending`, completed later.',
    body: refundBodySchema,
    headers: idempotencyKeyHeaderSchema,
    responses: { 202: { description: 'Accepted.', content: jsonContent(refundAcceptedSchema) } },
    errors: [
      'payment_not_found',
      'payment_not_refundable',
      'refund_exceeds_remaining',
      'refund_rejected',
      ...stripeCallErrors,
    ],
  },
};
