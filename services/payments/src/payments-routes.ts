import {
  idempotencyKeyHeader,
  type JwtRoute,
  type JwtRouteRequest,
  jsonResponse,
  type Mode,
  modes,
  NotFoundError,
  noContent,
  parseJsonBody,
  parseQuery,
  pathParameter,
} from '@basis/shared';
import * as z from 'zod';
import { toPaymentView } from './domain/payment.ts';
import { pricingSchema } from './domain/pricing.ts';
import type { PaymentsApiDeps } from './ports.ts';
import { bookingPaymentBodySchema, createBookingPayment } from './use-cases/booking-payment.ts';
import { cancelPayment } from './use-cases/cancel-payment.ts';
import { listLedger, listPayments, paymentsReport } from './use-cases/payment-queries.ts';
import { listCards, removeCard, startCardSetup } from './use-cases/saved-cards.ts';
import { getPricing, putPricing } from './use-cases/service-pricing.ts';

type Route = JwtRoute<PaymentsApiDeps>;

const modeOnly = z.strictObject({ mode: z.enum(modes) });

function modeFromQuery({ event }: JwtRouteRequest): Mode {
  return parseQuery(event, modeOnly).mode;
}

/** The payments API's routes, by API Gateway routeKey: each parses its input, calls one use case, answers. */
export const paymentsRoutes: Readonly<Record<string, Route>> = {
  'PUT /v1/clinics/{clinicId}/services/{serviceId}/pricing': async (deps, { event, caller }) => {
    const pricing = parseJsonBody(event, pricingSchema);
    return jsonResponse(
      200,
      await putPricing(deps, caller.clinicId, pathParameter(event, 'serviceId'), pricing),
    );
  },
  'GET /v1/clinics/{clinicId}/services/{serviceId}/pricing': async (deps, { event, caller }) =>
    jsonResponse(200, await getPricing(deps, caller.clinicId, pathParameter(event, 'serviceId'))),
  'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment': async (deps, { event, caller }) => {
    const body = parseJsonBody(event, bookingPaymentBodySchema);
    const result = await createBookingPayment(deps, caller, {
      clinicId: caller.clinicId,
      bookingId: pathParameter(event, 'bookingId'),
      body,
    });
    return jsonResponse(result.created ? 201 : 200, result.payment);
  },
  'POST /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup': async (deps, { event, caller }) => {
    const { mode } = parseJsonBody(event, modeOnly);
    const setup = await startCardSetup(deps, caller, {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      mode,
      requestKey: idempotencyKeyHeader(event),
    });
    return jsonResponse(201, setup);
  },
  'GET /v1/clinics/{clinicId}/clients/{clientId}/payment-methods': async (deps, request) => {
    const { event, caller } = request;
    const input = {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      mode: modeFromQuery(request),
    };
    return jsonResponse(200, await listCards(deps, caller, input));
  },
  'DELETE /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/{paymentMethodId}': async (
    deps,
    request,
  ) => {
    const { event, caller } = request;
    await removeCard(deps, caller, {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      mode: modeFromQuery(request),
      paymentMethodId: pathParameter(event, 'paymentMethodId'),
    });
    return noContent();
  },
  'GET /v1/clinics/{clinicId}/payments': async (deps, { event, caller }) =>
    jsonResponse(200, await listPayments(deps, caller, caller.clinicId, event.queryStringParameters)),
  'GET /v1/clinics/{clinicId}/payments/{paymentId}': async (deps, { event, caller }) => {
    const paymentId = pathParameter(event, 'paymentId');
    const record = await deps.payments.get(caller.clinicId, paymentId);
    // A client sees only their own payments; anyone else's is as good as absent.
    if (!record || (caller.role === 'client' && record.clientId !== caller.clientId)) {
      throw new NotFoundError('payment_not_found', `No payment ${paymentId} in this clinic.`);
    }
    return jsonResponse(200, toPaymentView(record));
  },
  'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel': async (deps, { event, caller }) =>
    jsonResponse(
      200,
      await cancelPayment(deps, { clinicId: caller.clinicId, paymentId: pathParameter(event, 'paymentId') }),
    ),
  'GET /v1/clinics/{clinicId}/reports/payments': async (deps, { event, caller }) =>
    jsonResponse(200, await paymentsReport(deps, caller.clinicId, event.queryStringParameters)),
  'GET /v1/clinics/{clinicId}/events': async (deps, { event, caller }) =>
    jsonResponse(200, await listLedger(deps, caller.clinicId, event.queryStringParameters)),
};
