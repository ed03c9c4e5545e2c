import { type ChaosConfig, defaultChaosConfig } from './chaos.ts';
import { createContext, type SimulatorCore } from './core.ts';
import { invalidRequest, invalidValue, parameterMissing } from './errors.ts';
import type { FormParams } from './form.ts';
import {
  isPermissionFamily,
  type ParsedKey,
  type PermissionLevel,
  type Permissions,
  parseKey,
} from './keys.ts';
import { snapshot } from './objects.ts';
import {
  readBoolean,
  readEnum,
  readInteger,
  readString,
  rejectUnknown,
  requireInteger,
  requireOneOf,
} from './params.ts';
import { closeDispute, openDispute, updateDispute } from './resources/disputes.ts';
import { completeAuthentication } from './resources/payment-attempts.ts';
import { createPayout } from './resources/payouts.ts';
import { failRefund } from './resources/refunds.ts';
import { completeSetupAuthentication } from './resources/setup-intents.ts';
import { runBillingOnSimulatorClock } from './resources/subscription-cycle.ts';
import type { AccountState } from './store.ts';
import { endpointWants } from './webhook-delivery.ts';

/**
 * Simulator-only calls under `/_sim/`: they play what happens outside the API (3-D Secure, payouts,
 * disputes, time) and let tests inspect deliveries and requests. Per-account calls authenticate with
 * the account's key (Bearer, as the API); a revoked key is still accepted here.
 */
export interface SimInput {
  core: SimulatorCore;
  account: AccountState;
  key: ParsedKey;
  params: FormParams;
  path: Record<string, string>;
}

export interface SimRoute {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  /** false: global calls that need no key (health, clock). */
  perAccount: boolean;
  handle(input: SimInput): unknown;
}

const NO_REQUEST = { id: null, idempotency_key: null };

function contextOf(input: SimInput) {
  return createContext(input.core, input.account, 'secret', NO_REQUEST);
}

function sameAccountKey(input: SimInput): ParsedKey {
  const key = readString(input.params, 'key') ?? input.key.key;
  const parsed = parseKey(key);
  if (!parsed || parsed.accountId !== input.key.accountId) {
    throw invalidValue('key', 'The key must be a well-formed key of the authenticated account.');
  }
  return parsed;
}

function readPermissions(params: FormParams): Permissions {
  const raw = params.permissions;
  if (raw === undefined || typeof raw === 'string' || Array.isArray(raw))
    throw parameterMissing('permissions');
  const permissions: Permissions = {};
  for (const family of Object.keys(raw)) {
    if (!isPermissionFamily(family))
      throw invalidValue(`permissions[${family}]`, `Unknown permission family ${family}`);
    const level = readEnum<PermissionLevel>(params, ['none', 'read', 'write'], 'permissions', family);
    if (level) permissions[family] = level;
  }
  return permissions;
}

function readChaos(params: FormParams, current: ChaosConfig): ChaosConfig {
  rejectUnknown(params, ['duplicate', 'shuffle_window_ms', 'delay_ms', 'drop_rate', 'seed']);
  const dropRateText = readString(params, 'drop_rate');
  const dropRate = dropRateText === undefined ? current.dropRate : Number(dropRateText);
  if (!(dropRate >= 0 && dropRate <= 1)) throw invalidValue('drop_rate', 'drop_rate must be between 0 and 1');
  return {
    duplicate: readInteger(params, 'duplicate') ?? current.duplicate,
    shuffleWindowMs: readInteger(params, 'shuffle_window_ms') ?? current.shuffleWindowMs,
    delayMs: readInteger(params, 'delay_ms') ?? current.delayMs,
    dropRate,
    seed: readInteger(params, 'seed') ?? current.seed,
  };
}

function chargeForDispute(input: SimInput): string {
  requireOneOf(input.params, ['charge', 'payment_intent']);
  const charge = readString(input.params, 'charge');
  if (charge) return charge;
  const intent = input.account.get(
    'payment_intent',
    readString(input.params, 'payment_intent') ?? '',
    'payment_intent',
  );
  if (!intent.latest_charge)
    throw invalidRequest(`PaymentIntent ${intent.id} has no charge.`, { param: 'payment_intent' });
  return intent.latest_charge;
}

export const simRoutes: SimRoute[] = [
  { method: 'GET', pattern: '/_sim/health', perAccount: false, handle: () => ({ status: 'ok' }) },
  {
    method: 'GET',
    pattern: '/_sim/clock',
    perAccount: false,
    handle: ({ core }) => ({ now: core.clock.nowSeconds(), offset_seconds: core.clock.offsetSeconds }),
  },
  {
    method: 'POST',
    pattern: '/_sim/clock/advance',
    perAccount: false,
    handle: ({ core, params }) => {
      const seconds = requireInteger(params, 'seconds');
      if (seconds < 0) throw invalidValue('seconds', 'The clock only moves forward.');
      core.clock.advance(seconds);
      // Subscriptions move with the clock: renewals, retries and expiries that fell due run now.
      for (const account of core.store.allAccounts()) runBillingOnSimulatorClock(core, account);
      return { now: core.clock.nowSeconds(), offset_seconds: core.clock.offsetSeconds };
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/keys/revoke',
    perAccount: true,
    handle: (input) => {
      const key = sameAccountKey(input);
      input.core.store.revokedKeys.add(key.key);
      return { key: key.key, revoked: true };
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/keys/restore',
    perAccount: true,
    handle: (input) => {
      const key = sameAccountKey(input);
      input.core.store.revokedKeys.delete(key.key);
      return { key: key.key, revoked: false };
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/keys/permissions',
    perAccount: true,
    handle: (input) => {
      rejectUnknown(input.params, ['key', 'permissions', 'reset']);
      const key = sameAccountKey(input);
      if (key.kind !== 'restricted')
        throw invalidValue('key', 'Only restricted (rk_) keys have permissions.');
      if (readBoolean(input.params, 'reset')) {
        input.core.store.permissions.delete(key.key);
        return { key: key.key, permissions: 'all' };
      }
      const permissions = readPermissions(input.params);
      input.core.store.permissions.set(key.key, permissions);
      return { key: key.key, permissions };
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/payment_intents/:id/3ds',
    perAccount: true,
    handle: (input) => {
      const outcome = readEnum(input.params, ['pass', 'fail'], 'outcome') ?? 'pass';
      const intent = input.account.get('payment_intent', input.path.id ?? '');
      completeAuthentication(contextOf(input), intent, outcome === 'pass');
      return snapshot(intent);
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/setup_intents/:id/3ds',
    perAccount: true,
    handle: (input) => {
      const outcome = readEnum(input.params, ['pass', 'fail'], 'outcome') ?? 'pass';
      const intent = input.account.get('setup_intent', input.path.id ?? '');
      completeSetupAuthentication(contextOf(input), intent, outcome === 'pass');
      return snapshot(intent);
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/refunds/:id/fail',
    perAccount: true,
    handle: (input) => snapshot(failRefund(input.core, input.account, input.path.id ?? '')),
  },
  {
    method: 'POST',
    pattern: '/_sim/payouts',
    perAccount: true,
    handle: (input) => {
      const { params } = input;
      rejectUnknown(params, ['currency', 'automatic', 'amount', 'fail', 'failure_code']);
      const fail = readBoolean(params, 'fail') ?? false;
      const amount = readInteger(params, 'amount');
      const payout = createPayout(contextOf(input), {
        currency: (readString(params, 'currency') ?? 'usd').toLowerCase(),
        automatic: readBoolean(params, 'automatic') ?? true,
        ...(amount === undefined ? {} : { amount }),
        ...(fail ? { failureCode: readString(params, 'failure_code') ?? 'account_closed' } : {}),
      });
      return snapshot(payout);
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/disputes',
    perAccount: true,
    handle: (input) => {
      rejectUnknown(input.params, ['charge', 'payment_intent', 'reason', 'amount']);
      const amount = readInteger(input.params, 'amount');
      const dispute = openDispute(contextOf(input), {
        chargeId: chargeForDispute(input),
        reason: readString(input.params, 'reason') ?? 'fraudulent',
        ...(amount === undefined ? {} : { amount }),
      });
      return snapshot(dispute);
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/disputes/:id/update',
    perAccount: true,
    handle: (input) => {
      rejectUnknown(input.params, ['status', 'evidence', 'metadata', 'submit']);
      const status = readEnum(
        input.params,
        ['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review'],
        'status',
      );
      return snapshot(
        updateDispute(contextOf(input), input.path.id ?? '', input.params, status ?? 'under_review'),
      );
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/disputes/:id/close',
    perAccount: true,
    handle: (input) => {
      rejectUnknown(input.params, ['outcome']);
      const outcome = readEnum(input.params, ['won', 'lost'], 'outcome');
      if (!outcome) throw parameterMissing('outcome');
      return snapshot(closeDispute(contextOf(input), input.path.id ?? '', outcome));
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/faults',
    perAccount: true,
    handle: ({ account, params }) => {
      rejectUnknown(params, ['method', 'path', 'count']);
      const method = readEnum(params, ['GET', 'POST', 'DELETE'], 'method') ?? 'POST';
      const path = readString(params, 'path');
      if (!path?.startsWith('/v1/')) throw parameterMissing('path');
      const count = readInteger(params, 'count') ?? 1;
      account.lostAnswers.push({ method, path, remaining: count });
      return { lost_answers: account.lostAnswers };
    },
  },
  {
    method: 'DELETE',
    pattern: '/_sim/faults',
    perAccount: true,
    handle: ({ account }) => {
      account.lostAnswers.splice(0);
      return { lost_answers: [] };
    },
  },
  {
    method: 'GET',
    pattern: '/_sim/chaos',
    perAccount: true,
    handle: ({ account }) => account.chaos.config,
  },
  {
    method: 'POST',
    pattern: '/_sim/chaos',
    perAccount: true,
    handle: ({ account, params }) => {
      account.chaos.configure(readChaos(params, account.chaos.config));
      return account.chaos.config;
    },
  },
  {
    method: 'DELETE',
    pattern: '/_sim/chaos',
    perAccount: true,
    handle: ({ account }) => {
      account.chaos.configure(defaultChaosConfig());
      return account.chaos.config;
    },
  },
  {
    method: 'GET',
    pattern: '/_sim/deliveries',
    perAccount: true,
    handle: ({ account, params }) => {
      const eventId = readString(params, 'event_id');
      const type = readString(params, 'type');
      const endpoint = readString(params, 'endpoint_id');
      const data = account.deliveries.filter(
        (entry) =>
          (!eventId || entry.event_id === eventId) &&
          (!type || entry.event_type === type) &&
          (!endpoint || entry.endpoint_id === endpoint),
      );
      return { object: 'list', data, pending: account.pendingDeliveries };
    },
  },
  {
    method: 'GET',
    pattern: '/_sim/requests',
    perAccount: true,
    handle: ({ account, params }) => {
      const method = readString(params, 'method');
      const path = readString(params, 'path');
      const data = account.requestLog.filter(
        (entry) => (!method || entry.method === method.toUpperCase()) && (!path || entry.path === path),
      );
      return { object: 'list', data };
    },
  },
  {
    method: 'POST',
    pattern: '/_sim/events/:id/resend',
    perAccount: true,
    handle: ({ core, account, path }) => {
      const event = account.get('event', path.id ?? '');
      const endpoints = account
        .list('webhook_endpoint')
        .filter((endpoint) => endpointWants(endpoint, event.type));
      core.webhooks.dispatch(account, event, endpoints);
      return { id: event.id, endpoints: endpoints.map((endpoint) => endpoint.id) };
    },
  },
];
