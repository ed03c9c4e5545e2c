import { NotFoundError } from '@basis/shared/errors/errors';
import { jsonResponse } from '@basis/shared/http/api-response';
import { authorize } from '@basis/shared/http/authorize';
import {
  type HttpEvent,
  idempotencyKeyHeader,
  pathParameter,
  type RouteHandler,
  routedApi,
} from '@basis/shared/http/http-handler';
import { parseInput, parseJsonBody } from '@basis/shared/http/json-body';
import { type Mode, modes } from '@basis/shared/topology';
import { z } from 'zod';
import { toPaymentView } from './domain/payment.ts';
import { pricingSchema } from './domain/pricing.ts';
import type { PaymentsApiDeps } from './payments-deps.ts';
import { bookingPaymentBodySchema, createBookingPayment } from './use-cases/booking-payment.ts';
import { listLedger, listPayments, paymentsReport } from './use-cases/payment-queries.ts';
import { listCards, removeCard, startCardSetup } from './use-cases/saved-cards.ts';
import { getPricing, putPricing } from './use-cases/service-pricing.ts';

type Route = RouteHandler<PaymentsApiDeps>;

const modeOnly = z.strictObject({ mode: z.enum(modes) });

function modeFromQuery(event: HttpEvent): Mode {
  return parseInput(modeOnly, event.queryStringParameters ?? {}, 'mode').mode;
}

const routes: Readonly<Record<string, Route>> = {
  'PUT /v1/clinics/{clinicId}/services/{serviceId}/pricing': async (deps, event) => {
    const caller = authorize(event);
    const pricing = parseJsonBody(event, pricingSchema);
    return jsonResponse(
      200,
      await putPricing(deps, caller.clinicId, pathParameter(event, 'serviceId'), pricing),
    );
  },
  'GET /v1/clinics/{clinicId}/services/{serviceId}/pricing': async (deps, event) => {
    const caller = authorize(event);
    return jsonResponse(200, await getPricing(deps, caller.clinicId, pathParameter(event, 'serviceId')));
  },
  'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment': async (deps, event) => {
    const caller = authorize(event);
    const body = parseJsonBody(event, bookingPaymentBodySchema);
    const result = await createBookingPayment(deps, caller, {
      clinicId: caller.clinicId,
      bookingId: pathParameter(event, 'bookingId'),
      body,
    });
    return jsonResponse(result.statusCode, result.body);
  },
  'POST /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup': async (deps, event) => {
    const caller = authorize(event);
    const { mode } = parseJsonBody(event, modeOnly);
    const setup = await startCardSetup(deps, caller, {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      mode,
      requestKey: idempotencyKeyHeader(event),
    });
    return jsonResponse(201, setup);
  },
  'GET /v1/clinics/{clinicId}/clients/{clientId}/payment-methods': async (deps, event) => {
    const caller = authorize(event);
    const input = {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      mode: modeFromQuery(event),
    };
    return jsonResponse(200, await listCards(deps, caller, input));
  },
  'DELETE /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/{paymentMethodId}': async (
    deps,
    event,
  ) => {
    const caller = authorize(event);
    await removeCard(deps, caller, {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      mode: modeFromQuery(event),
      paymentMethodId: pathParameter(event, 'paymentMethodId'),
    });
    return { statusCode: 204 };
  },
  'GET /v1/clinics/{clinicId}/payments': async (deps, event) => {
    const caller = authorize(event);
    return jsonResponse(200, await listPayments(deps, caller, caller.clinicId, event.queryStringParameters));
  },
  'GET /v1/clinics/{clinicId}/payments/{paymentId}': async (deps, event) => {
    const caller = authorize(event);
    const paymentId = pathParameter(event, 'paymentId');
    const record = await deps.payments.get(caller.clinicId, paymentId);
    // A client sees only their own payments; anyone else's is as good as absent.
    if (!record || (caller.role === 'client' && record.clientId !== caller.clientId)) {
      throw new NotFoundError('payment_not_found', `No payment ${paymentId} in this clinic.`);
    }
    return jsonResponse(200, toPaymentView(record));
  },
  'GET /v1/clinics/{clinicId}/reports/payments': async (deps, event) => {
    const caller = authorize(event);
    return jsonResponse(200, await paymentsReport(deps, caller.clinicId, event.queryStringParameters));
  },
  'GET /v1/clinics/{clinicId}/events': async (deps, event) => {
    const caller = authorize(event);
    return jsonResponse(200, await listLedger(deps, caller.clinicId, event.queryStringParameters));
  },
};

/** The payments HTTP API: one function, its routes dispatched by API Gateway's routeKey. */
export function createPaymentsApi(deps: PaymentsApiDeps) {
  return routedApi(deps, routes);
}
