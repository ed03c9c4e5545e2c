import { NotFoundError } from '@basis/shared/errors/errors';
import { jsonResponse } from '@basis/shared/http/api-response';
import { authorize } from '@basis/shared/http/authorize';
import { pathParameter, type RouteHandler, routedApi } from '@basis/shared/http/http-handler';
import { parseInput } from '@basis/shared/http/json-body';
import type { Logger } from '@basis/shared/observability/logger';
import { modes } from '@basis/shared/topology';
import { z } from 'zod';
import type { PayoutStore } from './domain/payout.ts';
import { toPayoutView } from './domain/reconciliation.ts';

export interface PayoutsApiDeps {
  payouts: PayoutStore;
  logger: Logger;
}

type Route = RouteHandler<PayoutsApiDeps>;

const listQuerySchema = z.object({
  mode: z.enum(modes),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).optional(),
});

const listPayouts: Route = async (deps, event) => {
  const caller = authorize(event);
  const query = parseInput(listQuerySchema, event.queryStringParameters ?? {}, 'query');
  const page = await deps.payouts.list(caller.clinicId, query.mode, {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const payouts = await Promise.all(
    page.records.map((record) => deps.payouts.getWithItems(record.clinicId, record.payoutId)),
  );
  const data = payouts
    .filter((payout) => payout !== undefined)
    .map((payout) => toPayoutView(payout.record, payout.items));
  return jsonResponse(200, { data, nextCursor: page.nextCursor });
};

const getPayout: Route = async (deps, event) => {
  const caller = authorize(event);
  const payoutId = pathParameter(event, 'payoutId');
  const payout = await deps.payouts.getWithItems(caller.clinicId, payoutId);
  if (!payout) throw new NotFoundError('payout_not_found', `No payout ${payoutId} in this clinic.`);
  return jsonResponse(200, toPayoutView(payout.record, payout.items));
};

const routes: Readonly<Record<string, Route>> = {
  'GET /v1/clinics/{clinicId}/payouts': listPayouts,
  'GET /v1/clinics/{clinicId}/payouts/{payoutId}': getPayout,
};

/** The payouts HTTP API: one function, its routes dispatched by API Gateway's routeKey. */
export function createPayoutsApi(deps: PayoutsApiDeps) {
  return routedApi(deps, routes);
}
