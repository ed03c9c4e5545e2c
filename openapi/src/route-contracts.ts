import { connectContracts } from '@basis/connect';
import { membershipsContracts } from '@basis/memberships';
import { paymentsContracts } from '@basis/payments';
import { payoutsContracts } from '@basis/payouts';
import { refundsContracts } from '@basis/refunds';
import type { RouteContracts } from '@basis/shared';
import { ingestContracts } from '@basis/webhook-ingest';

/** Every context's route contracts, by routeKey: what the OpenAPI document is generated from. */
export const routeContracts: RouteContracts = {
  ...ingestContracts,
  ...connectContracts,
  ...paymentsContracts,
  ...refundsContracts,
  ...payoutsContracts,
  ...membershipsContracts,
};
