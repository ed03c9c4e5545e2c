import { jsonResponse } from '@basis/shared/http/api-response';
import { authorize } from '@basis/shared/http/authorize';
import { idempotencyKeyHeader, pathParameter, routedApi } from '@basis/shared/http/http-handler';
import { parseJsonBody } from '@basis/shared/http/json-body';
import type { RefundsDeps } from './refunds-deps.ts';
import { refundBodySchema, requestRefund } from './use-cases/request-refund.ts';

/** The refunds HTTP API: `POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds`. */
export function createRefundsApi(deps: RefundsDeps) {
  return routedApi(deps, {
    'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds': async (_deps, event) => {
      const caller = authorize(event);
      const refund = await requestRefund(deps, caller, {
        clinicId: caller.clinicId,
        paymentId: pathParameter(event, 'paymentId'),
        body: parseJsonBody(event, refundBodySchema),
        requestKey: idempotencyKeyHeader(event),
      });
      return jsonResponse(202, refund);
    },
  });
}
