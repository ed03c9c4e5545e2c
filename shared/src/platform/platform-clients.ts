import type { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CorsConfig } from '../http/route-kit.ts';
import type { Observability } from '../observability/observability.ts';
import type { EventQueue } from '../queue/sqs-event-queue.ts';
import type { SecretStore } from '../secrets/clinic-secrets.ts';
import type { StripeClientSource } from '../stripe/stripe-sdk.ts';
import type { FunctionName, functions } from '../topology.ts';

/** The table and a document client for it. */
export interface TableClients {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** lib-dynamodb's document client and the command a rare writer needs, from wherever its caller can get them. */
export interface DocumentSdk {
  doc: DynamoDBDocumentClient;
  UpdateCommand: typeof UpdateCommand;
}

/**
 * A table a function writes to rarely: its name, and how to get a document client when the first write comes. The
 * Lambda entry makes the client then and imports the SDK with it (webhook ingest: a refused signature is rare, and
 * the DynamoDB client was ~50 KB of its cold load); tests and the local runtime hand over the client they have
 * (`tableSourceOf`). The adapter asks once; see connect's `deferredHealthCounterAdder`.
 */
export interface TableSource {
  tableName: string;
  documentSdk(): Promise<DocumentSdk>;
}

/** Clinic secrets two ways: through the container's short cache (readers), or straight from the store (writers). */
export interface SecretClients {
  cached: SecretStore;
  /** Connect reads, changes and writes a clinic's secret: it must never start from a stale copy. */
  uncached: SecretStore;
}

/**
 * Everything a function can be built from. A composition root (`build<Function>(clients)`) takes the part it
 * needs; the Lambda entry hands in AWS's clients (`awsClients`), the local runtime the emulators'. So the code that
 * runs locally is the code that runs in Lambda, wired once.
 */
export interface PlatformClients {
  observability: Observability;
  now: () => Date;
  table: TableClients;
  secrets: SecretClients;
  /** Sends to the queues the function's topology access names (any other queue is refused). */
  queue: EventQueue;
  /**
   * The one Stripe client of the process (or its loader: the Lambda entries import the SDK on first use); every call
   * passes the clinic's key.
   */
  stripe: StripeClientSource;
  /** Where Stripe reaches this deployment's webhook routes. */
  publicBaseUrl: string;
  /** Browser origins allowed on `/v1` routes. */
  cors: CorsConfig;
}

type Access<Name extends FunctionName> = (typeof functions)[Name]['access'];

/**
 * The clients a function's topology access grants, as a type: a function without table access gets no table, and
 * so on. A composition root that reaches for a client its function is not granted does not compile.
 */
export type ClientsOf<Name extends FunctionName> = Pick<PlatformClients, 'observability' | 'now' | 'cors'> &
  (Access<Name>['table'] extends 'none'
    ? Access<Name> extends { healthCounters: true }
      ? { table: TableSource }
      : unknown
    : Pick<PlatformClients, 'table'>) &
  (Access<Name>['secrets'] extends 'none' ? unknown : Pick<PlatformClients, 'secrets'>) &
  (Access<Name>['sendsTo'] extends readonly [] ? unknown : Pick<PlatformClients, 'queue'>) &
  (Access<Name> extends { stripe: true } ? Pick<PlatformClients, 'stripe'> : unknown) &
  (Access<Name> extends { publicBaseUrl: true } ? Pick<PlatformClients, 'publicBaseUrl'> : unknown);
