import type { RequestContext } from '../core.ts';
import { rejectUnknown } from '../params.ts';
import type { Route } from '../router.ts';

function accountObject(ctx: RequestContext): Record<string, unknown> {
  const { account } = ctx;
  return {
    id: account.accountId,
    object: 'account',
    business_profile: { mcc: '8011', name: 'Stripe simulator account', support_email: null, url: null },
    business_type: 'company',
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    controller: { type: 'account' },
    country: 'US',
    created: 1_700_000_000,
    default_currency: 'usd',
    details_submitted: true,
    email: null,
    metadata: {},
    payouts_enabled: true,
    settings: {
      dashboard: { display_name: 'Stripe simulator', timezone: 'Etc/UTC' },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' } },
    },
    type: 'standard',
  };
}

export const accountRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/account',
    family: 'account',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, []);
      return accountObject(ctx);
    },
  },
];
