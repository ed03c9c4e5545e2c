import { SimulatorClock } from './clock.ts';
import { newId } from './ids.ts';
import type { KeyKind } from './keys.ts';
import { type StripeEvent, type StripeObject, snapshot } from './objects.ts';
import { type AccountState, SimulatorStore } from './store.ts';
import { TimerSet } from './timers.ts';
import { endpointWants, WebhookDispatcher } from './webhook-delivery.ts';

export interface CoreOptions {
  apiVersion: string;
  retryDelaysMs: readonly number[];
  refundFailureDelayMs: number;
  deliveryTimeoutMs: number;
  log: (line: string) => void;
}

export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

/** The simulator's shared state: accounts, clock, timers and webhook delivery. */
export class SimulatorCore {
  readonly clock = new SimulatorClock();
  readonly timers = new TimerSet();
  readonly store: SimulatorStore;
  readonly webhooks: WebhookDispatcher;

  constructor(readonly options: CoreOptions) {
    this.store = new SimulatorStore(options.apiVersion);
    this.webhooks = new WebhookDispatcher(this.timers, {
      retryDelaysMs: options.retryDelaysMs,
      timeoutMs: options.deliveryTimeoutMs,
      log: options.log,
    });
  }

  /** Records an Event for a state change (a snapshot of the object) and schedules its deliveries. */
  emit(
    account: AccountState,
    type: string,
    object: StripeObject,
    request: EventRequest,
    previous?: Record<string, unknown>,
  ): StripeEvent {
    const endpoints = account.list('webhook_endpoint').filter((endpoint) => endpointWants(endpoint, type));
    const data: StripeEvent['data'] = { object: snapshot(object) };
    if (previous && type.endsWith('.updated')) data.previous_attributes = snapshot(previous);
    const event: StripeEvent = account.add({
      id: newId('evt'),
      object: 'event',
      api_version: account.apiVersion,
      created: this.clock.nowSeconds(),
      data,
      livemode: account.livemode,
      pending_webhooks: endpoints.length,
      request,
      type,
    });
    this.webhooks.dispatch(account, event, endpoints);
    return event;
  }

  close(): void {
    this.timers.close();
    this.webhooks.close();
    for (const account of this.store.allAccounts()) account.chaos.clear();
  }
}

/** What a resource handler gets: the account, the clock, and `emit` bound to the request. */
export interface RequestContext {
  core: SimulatorCore;
  account: AccountState;
  keyKind: KeyKind;
  requestId: string | null;
  idempotencyKey: string | null;
  /** The request's Stripe-Version, or the account's default. */
  apiVersion: string;
  now: number;
  emit(type: string, object: StripeObject, previous?: Record<string, unknown>): StripeEvent;
}

export function createContext(
  core: SimulatorCore,
  account: AccountState,
  keyKind: KeyKind,
  request: EventRequest,
  apiVersion: string = account.apiVersion,
): RequestContext {
  return {
    core,
    account,
    keyKind,
    requestId: request.id,
    idempotencyKey: request.idempotency_key,
    apiVersion,
    now: core.clock.nowSeconds(),
    emit: (type, object, previous) => core.emit(account, type, object, request, previous),
  };
}
