import type { SQSClient } from '@aws-sdk/client-sqs';
import { buildConnectApi } from '@basis/connect';
import { buildMembershipsApi, buildMembershipsWorker } from '@basis/memberships';
import { buildPaymentsApi, buildPaymentsWorker } from '@basis/payments';
import { buildPayoutsApi, buildPayoutsWorker } from '@basis/payouts';
import { buildRefundsApi, buildRefundsWorker } from '@basis/refunds';
import {
  type FunctionName,
  functions,
  type Observability,
  type PlatformClients,
  type QueueName,
  type queues,
  type ScheduledFunctionName,
  type ScheduledHandler,
  sqsEventQueue,
  tableSourceOf,
} from '@basis/shared';
import { buildEventSweeper, buildHealth, buildWebhookIngest } from '@basis/webhook-ingest';
import type { HttpFunction } from './api-gateway-server.ts';
import type { SqsFunction } from './sqs-poller.ts';

/** The emulators' clients: one set for the whole local stack. */
export interface LocalClients extends Omit<PlatformClients, 'observability' | 'queue' | 'stripe'> {
  sqs: SQSClient;
  /** A Stripe client per function, with that function's timeouts and retries (as its Lambda entry makes it). */
  stripeFor: (name: FunctionName) => PlatformClients['stripe'];
  queueUrls: Record<QueueName, string>;
  observability: (service: string) => Observability;
}

/** Knobs tests turn; production uses the defaults. */
export interface LocalFunctionOptions {
  /** Age below which the missed-event sweep leaves events to normal delivery (tests use 0). */
  sweepSettleSeconds?: number;
  /** Balance transactions per page when reconciling payouts (tests use a small one to span pages). */
  payoutsPageSize?: number;
  /**
   * Stripe's clock, by which the missed-event sweep asks Stripe for recent events (default: the stack's `now`).
   * In AWS both are the machine's; locally the simulator's clock can be moved ahead (`/_sim/clock/advance`), and a
   * sweep on the machine's clock would then ask for an hour in which the simulator made no event.
   */
  stripeNow?: () => Date;
}

/** Functions that consume a queue; every other function serves HTTP routes or runs on a schedule. */
export type WorkerFunctionName = (typeof queues)[QueueName]['consumer'];
export type HttpFunctionName = Exclude<FunctionName, WorkerFunctionName | ScheduledFunctionName>;

export interface LocalFunctions {
  http: Record<HttpFunctionName, HttpFunction>;
  workers: Record<WorkerFunctionName, SqsFunction>;
  scheduled: Record<ScheduledFunctionName, ScheduledHandler>;
}

/**
 * Every function of the topology, built by the same composition roots (`build<Function>`) as the Lambda entries,
 * from the emulators' clients. Each function may send only to the queues its topology access grants, as in AWS. The
 * record type makes a function added to the topology without a local twin a compile error.
 */
export function createLocalFunctions(
  local: LocalClients,
  options: LocalFunctionOptions = {},
): LocalFunctions {
  const clientsOf = (name: FunctionName): PlatformClients => {
    const granted = functions[name].access.sendsTo;
    const queueUrls = Object.fromEntries(granted.map((queue) => [queue, local.queueUrls[queue]]));
    return {
      ...local,
      observability: local.observability(name),
      queue: sqsEventQueue(local.sqs, queueUrls),
      stripe: local.stripeFor(name),
    };
  };
  return {
    http: {
      health: buildHealth(clientsOf('health')),
      webhookIngest: buildWebhookIngest({
        ...clientsOf('webhookIngest'),
        table: tableSourceOf(local.table),
      }),
      connectApi: buildConnectApi(clientsOf('connectApi')),
      paymentsApi: buildPaymentsApi(clientsOf('paymentsApi')),
      refundsApi: buildRefundsApi(clientsOf('refundsApi')),
      payoutsApi: buildPayoutsApi(clientsOf('payoutsApi')),
      membershipsApi: buildMembershipsApi(clientsOf('membershipsApi')),
    },
    workers: {
      paymentsWorker: buildPaymentsWorker(clientsOf('paymentsWorker')),
      refundsWorker: buildRefundsWorker(clientsOf('refundsWorker')),
      payoutsWorker: buildPayoutsWorker(clientsOf('payoutsWorker'), {
        ...(options.payoutsPageSize === undefined ? {} : { gateway: { pageSize: options.payoutsPageSize } }),
      }),
      membershipsWorker: buildMembershipsWorker(clientsOf('membershipsWorker')),
    },
    scheduled: {
      eventSweeper: buildEventSweeper(
        { ...clientsOf('eventSweeper'), ...(options.stripeNow ? { now: options.stripeNow } : {}) },
        {
          ...(options.sweepSettleSeconds === undefined ? {} : { settleSeconds: options.sweepSettleSeconds }),
        },
      ),
    },
  };
}
