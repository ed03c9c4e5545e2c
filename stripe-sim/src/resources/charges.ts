import { type ExpandExtras, render } from '../expand.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { readExpand, readMetadata, readRangeFilter, readString, rejectUnknown } from '../params.ts';
import type { Route } from '../router.ts';
import type { AccountState } from '../store.ts';

/** A charge's `refunds` is not in the object by default; `expand[]=refunds` brings the list. */
export function refundsOf(account: AccountState, chargeId: string) {
  const data = account.list('refund').filter((refund) => refund.charge === chargeId);
  return {
    object: 'list' as const,
    data: structuredClone(data),
    has_more: false,
    url: `/v1/charges/${chargeId}/refunds`,
  };
}

export const chargeExtras: ExpandExtras = (account, object, field) => {
  if (field === 'refunds' && object.object === 'charge' && typeof object.id === 'string') {
    return refundsOf(account, object.id);
  }
  return undefined;
};

export const chargeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/charges',
    family: 'charge',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'created', 'customer', 'payment_intent']);
      const created = readRangeFilter(params, 'created');
      const customer = readString(params, 'customer');
      const intent = readString(params, 'payment_intent');
      const list = paginate(
        ctx.account.list('charge'),
        params,
        '/v1/charges',
        (charge) =>
          created(charge.created as number) &&
          (!customer || charge.customer === customer) &&
          (!intent || charge.payment_intent === intent),
      );
      return render(ctx.account, list, readExpand(params), chargeExtras);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    family: 'charge',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('charge', path.id ?? ''), readExpand(params), chargeExtras);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/charges/:id',
    family: 'charge',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['metadata', 'description']);
      const charge = ctx.account.get('charge', path.id ?? '');
      const metadata = readMetadata(params, charge.metadata);
      if (metadata) charge.metadata = metadata;
      const description = readString(params, 'description');
      if (description !== undefined) charge.description = description || null;
      return render(ctx.account, charge, readExpand(params), chargeExtras);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id/refunds',
    family: 'charge',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS]);
      const charge = ctx.account.get('charge', path.id ?? '');
      const list = paginate(
        ctx.account.list('refund'),
        params,
        `/v1/charges/${charge.id}/refunds`,
        (refund) => refund.charge === charge.id,
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
];
