import { authorize } from '@basis/shared/auth/authorize';
import { jsonResponse } from '@basis/shared/http/api-response';
import { NotFoundError, ValidationError } from '@basis/shared/http/errors';
import { httpHandler, pathParameter } from '@basis/shared/http/http-handler';
import { parseJsonBody } from '@basis/shared/http/json-body';
import type { RefundsDeps } from './refunds-deps.ts';
import { refundBodySchema, requestRefund } from './request-refund.ts';

/** The refunds HTTP API: `POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds`. */
export function createRefundsApi(deps: RefundsDeps) {
  return httpHandler(deps.logger, async (event) => {
    if (event.routeKey !== 'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds') {
      throw new NotFoundError('not_found', `No route ${event.routeKey}.`);
    }
    const caller = authorize(event);
    const requestKey = event.headers['idempotency-key'];
    if (requestKey !== undefined && !/^[\w-]{1,200}$/.test(requestKey)) {
      throw new ValidationError(
        'Idempotency-Key',
        'The Idempotency-Key header must be 1–200 letters, digits, - or _.',
      );
    }
    const refund = await requestRefund(deps, caller, {
      clinicId: caller.clinicId,
      paymentId: pathParameter(event, 'paymentId'),
      body: parseJsonBody(event, refundBodySchema),
      requestKey,
    });
    return jsonResponse(202, refund);
  });
}
