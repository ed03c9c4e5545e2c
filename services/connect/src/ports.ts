import type { LedgerHealthReader, Logger, Mode, SecretStore } from '@basis/shared';
import type { CountFacts, LastKnownHealth, WebhookEndpointFacts } from './domain/connection-health.ts';
import type { ConnectionEntry } from './domain/connection-registry.ts';
/** Runs work for one clinic at a time; answers undefined, without running it, when the clinic is busy. */
export type ClinicLock = <T>(clinicId: string, work: () => Promise<T>) => Promise<T | undefined>;

/** What connecting a clinic asks of Stripe. */
export interface ConnectGateway {
  /** The account a secret key belongs to; throws StripeKeyRejectedError if Stripe refuses the key. */
  accountOf(secretKey: string): Promise<{ accountId: string }>;
  /**
   * Whether the publishable key belongs to the same account: a SetupIntent made with the secret key is read
   * back with the publishable key and its client secret, as Stripe.js would; Stripe answers 404 to a
   * publishable key of another account and 401 to an unknown one. The SetupIntent is canceled after.
   */
  publishableKeyMatches(secretKey: string, publishableKey: string): Promise<boolean>;
  /** Resources the key may not list (a restricted key without a permission the system needs). */
  missingPermissions(secretKey: string, needsWebhookEndpoints: boolean): Promise<string[]>;
  createWebhookEndpoint(
    secretKey: string,
    input: {
      url: string;
      enabledEvents: readonly string[];
      apiVersion: string;
      clinicId: string;
      /** From the connect operation, so that a double-clicked Save registers one endpoint. */
      idempotencyKey: string;
    },
  ): Promise<{ endpointId: string; secret: string }>;
  /** Deletes an endpoint; one that no longer exists is not an error. */
  deleteWebhookEndpoint(secretKey: string, endpointId: string): Promise<void>;
  /** An endpoint of the account, or null when it does not exist (deleted). */
  webhookEndpoint(secretKey: string, endpointId: string): Promise<WebhookEndpointFacts | null>;
  /** Every endpoint of the account; throws StripePermissionDeniedError for a key that may not list them. */
  webhookEndpoints(secretKey: string): Promise<WebhookEndpointFacts[]>;
}

/** What the health counters count, per clinic and mode and hour. */
export type HealthCounterKind = 'signature_failures' | 'missed_events';

/**
 * Small counters per clinic, mode, kind and hour (items with a TTL), written only when something went wrong, so
 * the good path pays nothing: webhook ingest adds refused signatures, the sweep the events it healed.
 */
export interface HealthCounters {
  /** Adds `count` at time `at` (one UpdateItem). */
  add(clinicId: string, mode: Mode, kind: HealthCounterKind, count: number, at: Date): Promise<void>;
  /** The count since `since` (hour items whose last addition is at or after it) up to `now`. */
  since(clinicId: string, mode: Mode, kind: HealthCounterKind, since: Date, now: Date): Promise<CountFacts>;
}

/** A mode's last health, with the connection it was computed for (`setUpAt`): a newer connection hides it. */
export interface StoredHealth extends LastKnownHealth {
  setUpAt: string;
}

/** The last health check of each mode, for `GET …/stripe`. */
export interface HealthStore {
  save(clinicId: string, mode: Mode, health: StoredHealth): Promise<void>;
  lastKnown(clinicId: string): Promise<Partial<Record<Mode, StoredHealth>>>;
}

/** The clinics and modes that are connected: written by connect and disconnect, walked by the sweep. */
export interface ConnectionRegistry {
  add(clinicId: string, mode: Mode): Promise<void>;
  remove(clinicId: string, mode: Mode): Promise<void>;
  list(): AsyncIterable<ConnectionEntry>;
  /**
   * Moves the sweep's watermark (never backwards) and, when the sweep met an event, keeps when the newest of them
   * was received (connection health's `lastEventReceivedAt`), in the same write.
   */
  markSwept(
    clinicId: string,
    mode: Mode,
    sweptUntil: number,
    lastEventReceivedAt: string | null,
  ): Promise<void>;
}

export interface ConnectDeps {
  secrets: SecretStore;
  /** Which clinics and modes are connected, for the missed-event sweep. */
  connections: ConnectionRegistry;
  /** One connection change per clinic at a time. */
  lock: ClinicLock;
  stripe: ConnectGateway;
  /** Public base URL of the API, where Stripe sends webhooks. */
  publicBaseUrl: string;
  /** API version pinned on the endpoints we register, the same as the SDK's. */
  apiVersion: string;
  logger: Logger;
  now: () => Date;
  healthCounters: HealthCounters;
  healthStore: HealthStore;
  ledger: LedgerHealthReader;
}
