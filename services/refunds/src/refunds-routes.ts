import {
  idempotencyKeyHeader,
  type JwtRoute,
  jsonResponse,
  parseJsonBody,
  pathParameter,
} from '@basis/shared';
import type { RefundsDeps } from './ports.ts';
import { refundBodySchema, requestRefund } from './use-cases/request-refund.ts';

/** The refunds API's routes, by API Gateway routeKey. */
export const refundsRoutes: Readonly<Record<string, JwtRoute<RefundsDeps>>> = {
  'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds': async (deps, { event, caller }) => {
    const refund = await requestRefund(deps, caller, {
      clinicId: caller.clinicId,
      paymentId: pathParameter(event, 'paymentId'),
      body: parseJsonBody(event, refundBodySchema),
      requestKey: idempotencyKeyHeader(event),
    });
    return jsonResponse(202, refund);
  },
};
