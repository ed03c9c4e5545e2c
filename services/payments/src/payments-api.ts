import type { Logger } from '@basis/shared/adapters/logger';
import { authorize } from '@basis/shared/auth/authorize';
import { type ApiResult, jsonResponse } from '@basis/shared/http/api-response';
import { NotFoundError } from '@basis/shared/http/errors';
import { type HttpEvent, httpHandler, pathParameter } from '@basis/shared/http/http-handler';
import { type PaymentStore, toPaymentView } from '@basis/shared/records/payment';

export interface PaymentsApiDeps {
  payments: PaymentStore;
  logger: Logger;
}

type Route = (deps: PaymentsApiDeps, event: HttpEvent) => Promise<ApiResult>;

const getPayment: Route = async (deps, event) => {
  const caller = authorize(event);
  const paymentId = pathParameter(event, 'paymentId');
  const record = await deps.payments.get(caller.clinicId, paymentId);
  // A client sees only their own payments; anyone else's is as good as absent.
  if (!record || (caller.role === 'client' && record.clientId !== caller.clientId)) {
    throw new NotFoundError('payment_not_found', `No payment ${paymentId} in this clinic.`);
  }
  return jsonResponse(200, toPaymentView(record));
};

const routes: Readonly<Record<string, Route>> = {
  'GET /v1/clinics/{clinicId}/payments/{paymentId}': getPayment,
};

/** The payments HTTP API: one function, its routes dispatched by API Gateway's routeKey. */
export function createPaymentsApi(deps: PaymentsApiDeps) {
  return httpHandler(deps.logger, async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new NotFoundError('not_found', `No route ${event.routeKey}.`);
    return route(deps, event);
  });
}
