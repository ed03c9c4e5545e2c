import type { RequestContext } from '../core.ts';
import { invalidRequest, resourceMissing } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { StripeEvent } from '../objects.ts';
import {
  readBoolean,
  readExpand,
  readRangeFilter,
  readString,
  readStringList,
  rejectUnknown,
} from '../params.ts';
import type { Route } from '../router.ts';

/** Stripe keeps events for 30 days; older ones are neither listed nor retrievable. */
export const EVENT_RETENTION_SECONDS = 30 * 86_400;

function retained(ctx: RequestContext, event: StripeEvent): boolean {
  return event.created >= ctx.now - EVENT_RETENTION_SECONDS;
}

/** `type` may use `*` as a wildcard (`charge.dispute.*`). */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const expression = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.]/g, '\\.'))
      .join('.*')}$`,
  );
  return (type) => expression.test(type);
}

function listEvents(ctx: RequestContext, params: FormParams): unknown {
  rejectUnknown(params, [...PAGINATION_PARAMS, 'created', 'type', 'types', 'delivery_success']);
  const created = readRangeFilter(params, 'created');
  const type = readString(params, 'type');
  const types = readStringList(params, 'types');
  if (type !== undefined && types !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
  }
  if (types && types.length > 20)
    throw invalidRequest('You may only pass up to 20 types.', { param: 'types' });
  const deliverySuccess = readBoolean(params, 'delivery_success');
  const matches =
    type !== undefined ? typeMatcher(type) : types ? (value: string) => types.includes(value) : () => true;
  const list = paginate(
    ctx.account.list('event'),
    params,
    '/v1/events',
    (event) =>
      retained(ctx, event) &&
      created(event.created) &&
      matches(event.type) &&
      (deliverySuccess === undefined || (event.pending_webhooks === 0) === deliverySuccess),
  );
  return render(ctx.account, list, readExpand(params));
}

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/events',
    family: 'event',
    handle: ({ ctx, params }) => listEvents(ctx, params),
  },
  {
    method: 'GET',
    pattern: '/v1/events/:id',
    family: 'event',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      const event = ctx.account.find('event', path.id ?? '');
      if (!event || !retained(ctx, event)) throw resourceMissing('event', path.id ?? '', 'id');
      return render(ctx.account, event, readExpand(params));
    },
  },
];
