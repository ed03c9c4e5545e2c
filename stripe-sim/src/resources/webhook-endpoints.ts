import type { RequestContext } from '../core.ts';
import { invalidValue } from '../errors.ts';
import { KNOWN_EVENT_TYPES } from '../event-types.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId, randomToken } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { WebhookEndpoint } from '../objects.ts';
import {
  readBoolean,
  readExpand,
  readMetadata,
  readNullableString,
  readString,
  readStringList,
  rejectUnknown,
  requireString,
} from '../params.ts';
import type { Route } from '../router.ts';

const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

function readUrl(params: FormParams): string | undefined {
  const url = readString(params, 'url');
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidValue('url', `Invalid URL: ${url}. URLs must begin with http or https.`);
  }
  return url;
}

function readEnabledEvents(params: FormParams): string[] | undefined {
  const events = readStringList(params, 'enabled_events');
  events?.forEach((type, index) => {
    if (type !== '*' && !KNOWN_EVENT_TYPES.has(type)) {
      throw invalidValue(
        `enabled_events[${index}]`,
        `Invalid enabled_events[${index}]: unknown event type ${type}`,
      );
    }
  });
  return events;
}

function createEndpoint(ctx: RequestContext, params: FormParams): WebhookEndpoint & { secret: string } {
  rejectUnknown(params, ['url', 'enabled_events', 'api_version', 'description', 'metadata', 'connect']);
  requireString(params, 'url');
  const url = readUrl(params) ?? '';
  const enabledEvents = readEnabledEvents(params);
  if (!enabledEvents || enabledEvents.length === 0) {
    throw invalidValue('enabled_events', 'Missing required param: enabled_events.');
  }
  const apiVersion = readString(params, 'api_version');
  if (apiVersion !== undefined && !API_VERSION_PATTERN.test(apiVersion)) {
    throw invalidValue('api_version', `Invalid Stripe API version: ${apiVersion}`);
  }
  const endpoint = ctx.account.add<WebhookEndpoint>({
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: apiVersion ?? null,
    application: null,
    created: ctx.now,
    description: readNullableString(params, 'description') ?? null,
    enabled_events: enabledEvents,
    livemode: ctx.account.livemode,
    metadata: readMetadata(params) ?? {},
    status: 'enabled',
    url,
  });
  const secret = `whsec_${randomToken(32)}`;
  ctx.account.endpointSecrets.set(endpoint.id, secret);
  return { ...structuredClone(endpoint), secret };
}

function updateEndpoint(ctx: RequestContext, id: string, params: FormParams): WebhookEndpoint {
  rejectUnknown(params, ['url', 'enabled_events', 'description', 'metadata', 'disabled']);
  const endpoint = ctx.account.get('webhook_endpoint', id, 'webhook_endpoint');
  const url = readUrl(params);
  if (url !== undefined) endpoint.url = url;
  const enabledEvents = readEnabledEvents(params);
  if (enabledEvents !== undefined) endpoint.enabled_events = enabledEvents;
  const description = readNullableString(params, 'description');
  if (description !== undefined) endpoint.description = description;
  const metadata = readMetadata(params, endpoint.metadata);
  if (metadata) endpoint.metadata = metadata;
  const disabled = readBoolean(params, 'disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  return endpoint;
}

export const webhookEndpointRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/webhook_endpoints',
    family: 'webhook',
    handle: ({ ctx, params }) => createEndpoint(ctx, params),
  },
  {
    method: 'GET',
    pattern: '/v1/webhook_endpoints',
    family: 'webhook',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS]);
      return render(
        ctx.account,
        paginate(ctx.account.list('webhook_endpoint'), params, '/v1/webhook_endpoints'),
        [],
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/webhook_endpoints/:id',
    family: 'webhook',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(
        ctx.account,
        ctx.account.get('webhook_endpoint', path.id ?? '', 'webhook_endpoint'),
        readExpand(params),
      );
    },
  },
  {
    method: 'POST',
    pattern: '/v1/webhook_endpoints/:id',
    family: 'webhook',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, updateEndpoint(ctx, path.id ?? '', params), readExpand(params)),
  },
  {
    method: 'DELETE',
    pattern: '/v1/webhook_endpoints/:id',
    family: 'webhook',
    handle: ({ ctx, path }) => {
      const endpoint = ctx.account.get('webhook_endpoint', path.id ?? '', 'webhook_endpoint');
      ctx.account.objects.delete(endpoint.id);
      ctx.account.endpointSecrets.delete(endpoint.id);
      return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
    },
  },
];
