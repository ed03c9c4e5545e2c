import { ChaosState } from './chaos.ts';
import { resourceMissing } from './errors.ts';
import type { Mode, ParsedKey, Permissions } from './keys.ts';
import type { ObjectKind, ObjectTypes, StripeObject } from './objects.ts';
import type { TestCard } from './test-cards.ts';

export interface IdempotencyRecord {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  savedAtMs: number;
}

export interface RequestLogEntry {
  request_id: string;
  time: string;
  method: string;
  path: string;
  idempotency_key: string | null;
  idempotent_replayed: boolean;
  key_kind: string;
  status: number;
}

export interface DeliveryRecord {
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  copy: number;
  outcome: 'succeeded' | 'failed' | 'dropped';
  status_code: number | null;
  error: string | null;
  response_body_excerpt: string | null;
  time: string;
}

const PARAM_NAMES: Partial<Record<ObjectKind, string>> = {
  payment_intent: 'intent',
  setup_intent: 'intent',
  event: 'id',
  balance_transaction: 'id',
};

/** Everything one account holds in one mode. Test and live data of the same account never mix. */
export class AccountState {
  readonly objects = new Map<string, StripeObject>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly requestLog: RequestLogEntry[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  readonly chaos = new ChaosState();
  /** Which test card each PaymentMethod was made from (drives declines, 3DS, refund failures). */
  readonly cards = new Map<string, TestCard>();
  /** PaymentMethods used once without a customer: Stripe refuses to reuse them. */
  readonly consumedPaymentMethods = new Set<string>();
  /** Balance transaction id → the automatic payout that paid it out. */
  readonly payoutOfTransaction = new Map<string, string>();
  /** Webhook endpoint id → signing secret (returned by the API only on create). */
  readonly endpointSecrets = new Map<string, string>();
  /** `eventId:endpointId` pairs already delivered successfully (pending_webhooks counts down once). */
  readonly delivered = new Set<string>();
  /** Number of webhook deliveries scheduled or in flight (for tests that wait for quiet). */
  pendingDeliveries = 0;
  /**
   * Answers to lose (`/_sim/faults`): the next `remaining` calls of `method path` run as usual, but their answer is
   * replaced by a 500, as when Stripe did the work and the response never reached the caller.
   */
  readonly lostAnswers: Array<{ method: string; path: string; remaining: number }> = [];

  constructor(
    readonly accountId: string,
    readonly mode: Mode,
    readonly apiVersion: string,
  ) {}

  get livemode(): boolean {
    return this.mode === 'live';
  }

  add<T extends StripeObject>(object: T): T {
    this.objects.set(object.id, object);
    return object;
  }

  find<K extends ObjectKind>(kind: K, id: string): ObjectTypes[K] | undefined {
    const object = this.objects.get(id);
    return object && object.object === kind ? (object as ObjectTypes[K]) : undefined;
  }

  /** The object, or Stripe's 404 `resource_missing`. */
  get<K extends ObjectKind>(kind: K, id: string, param?: string): ObjectTypes[K] {
    const object = this.find(kind, id);
    if (!object) throw resourceMissing(kind, id, param ?? PARAM_NAMES[kind] ?? kind);
    return object;
  }

  /** All objects of a kind, newest first. */
  list<K extends ObjectKind>(kind: K): ObjectTypes[K][] {
    const found: ObjectTypes[K][] = [];
    for (const object of this.objects.values())
      if (object.object === kind) found.push(object as ObjectTypes[K]);
    return found.reverse();
  }
}

/** All accounts, keyed by account and mode, plus the per-key state (revocations, restricted permissions). */
export class SimulatorStore {
  private readonly accounts = new Map<string, AccountState>();
  readonly revokedKeys = new Set<string>();
  readonly permissions = new Map<string, Permissions>();

  constructor(private readonly apiVersion: string) {}

  accountFor(parsed: Pick<ParsedKey, 'accountId' | 'mode'>): AccountState {
    const id = `${parsed.accountId}:${parsed.mode}`;
    let account = this.accounts.get(id);
    if (!account) {
      account = new AccountState(parsed.accountId, parsed.mode, this.apiVersion);
      this.accounts.set(id, account);
    }
    return account;
  }

  allAccounts(): AccountState[] {
    return [...this.accounts.values()];
  }
}
