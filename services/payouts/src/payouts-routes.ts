import { type JwtRoute, jsonResponse, modes, NotFoundError, parseQuery, pathParameter } from '@basis/shared';
import * as z from 'zod';
import { toPayoutView } from './domain/reconciliation.ts';
import type { PayoutStore } from './ports.ts';

export interface PayoutsApiDeps {
  payouts: PayoutStore;
}

type Route = JwtRoute<PayoutsApiDeps>;

export const payoutListQuerySchema = z.strictObject({
  mode: z.enum(modes),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).optional(),
});

const listPayouts: Route = async (deps, { event, caller }) => {
  const query = parseQuery(event, payoutListQuerySchema);
  const page = await deps.payouts.list(caller.clinicId, query.mode, {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const payouts = await Promise.all(
    page.records.map((record) => deps.payouts.getWithItems(record.clinicId, record.mode, record.payoutId)),
  );
  const data = payouts
    .filter((payout) => payout !== undefined)
    .map((payout) => toPayoutView(payout.record, payout.items));
  return jsonResponse(200, { data, nextCursor: page.nextCursor });
};

const getPayout: Route = async (deps, { event, caller }) => {
  const payoutId = pathParameter(event, 'payoutId');
  // The path names no mode: both are read (Stripe's ids are unique across modes); should both exist, the live one
  // is the one a person means.
  const [live, test] = await Promise.all([
    deps.payouts.getWithItems(caller.clinicId, 'live', payoutId),
    deps.payouts.getWithItems(caller.clinicId, 'test', payoutId),
  ]);
  const payout = live ?? test;
  if (!payout) throw new NotFoundError('payout_not_found', `No payout ${payoutId} in this clinic.`);
  return jsonResponse(200, toPayoutView(payout.record, payout.items));
};

/** The payouts API's routes, by API Gateway routeKey. */
export const payoutsRoutes: Readonly<Record<string, Route>> = {
  'GET /v1/clinics/{clinicId}/payouts': listPayouts,
  'GET /v1/clinics/{clinicId}/payouts/{payoutId}': getPayout,
};
