import {
  idempotencyKeyHeader,
  type JwtRoute,
  type JwtRouteRequest,
  jsonResponse,
  type Mode,
  NotFoundError,
  noContent,
  parseJsonBody,
  parseQuery,
  pathParameter,
} from '@basis/shared';
import { toPaymentView } from './domain/payment.ts';
import { reportAsCsv } from './domain/payments-report.ts';
import { pricingSchema } from './domain/pricing.ts';
import { modeOnlySchema, optionalModeSchema } from './payments-contract.ts';
import type { PaymentsApiDeps } from './ports.ts';
import { bookingPaymentBodySchema, createBookingPayment } from './use-cases/booking-payment.ts';
import { cancelPayment } from './use-cases/cancel-payment.ts';
import { bookingPayment, listLedger, listPayments, paymentsReport } from './use-cases/payment-queries.ts';
import { listCards, removeCard, startCardSetup } from './use-cases/saved-cards.ts';
import { getPricing, putPricing } from './use-cases/service-pricing.ts';

type Route = JwtRoute<PaymentsApiDeps>;

function modeFromQuery({ event }: JwtRouteRequest): Mode {
  return parseQuery(event, modeOnlySchema).mode;
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
    const { mode } = parseJsonBody(event, modeOnlySchema);
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
    const { mode } = parseQuery(event, optionalModeSchema);
    // Without a mode both modes' item collections are read (one Query each, in parallel); Stripe's ids are unique
    // across modes, and should both exist the live one is shown.
    const [live, test] = await Promise.all([
      mode === 'test' ? undefined : deps.payments.slice(caller.clinicId, 'live', paymentId),
      mode === 'live' ? undefined : deps.payments.slice(caller.clinicId, 'test', paymentId),
    ]);
    const slice = live ?? test;
    // A client sees only their own payments; anyone else's is as good as absent.
    if (!slice || (caller.role === 'client' && slice.payment.clientId !== caller.clientId)) {
      throw new NotFoundError('payment_not_found', `No payment ${paymentId} in this clinic.`);
    }
    return jsonResponse(200, toPaymentView(slice.payment, slice));
  },
  'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel': async (deps, { event, caller }) =>
    jsonResponse(
      200,
      await cancelPayment(deps, { clinicId: caller.clinicId, paymentId: pathParameter(event, 'paymentId') }),
    ),
  'GET /v1/clinics/{clinicId}/bookings/{bookingId}/payment': async (deps, request) => {
    const { event, caller } = request;
    const input = {
      clinicId: caller.clinicId,
      mode: modeFromQuery(request),
      bookingId: pathParameter(event, 'bookingId'),
    };
    return jsonResponse(200, await bookingPayment(deps, caller, input));
  },
  'GET /v1/clinics/{clinicId}/reports/payments': async (deps, { event, caller }) => {
    const { format, ...report } = await paymentsReport(deps, caller.clinicId, event.queryStringParameters);
    if (format === 'json') return jsonResponse(200, report);
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="payments-${report.mode}-${report.from.slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
      },
      body: reportAsCsv(report),
    };
  },
  'GET /v1/clinics/{clinicId}/events': async (deps, { event, caller }) =>
    jsonResponse(200, await listLedger(deps, caller.clinicId, event.queryStringParameters)),
};
