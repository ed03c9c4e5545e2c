import { buildClientCustomers, buildPaymentRecords } from '@basis/payments';
import { type ClientsOf, dynamoEventLedger, jwtHttpFunction, queueWorker } from '@basis/shared';
import { dynamoMembershipStore } from './adapters/dynamo-membership-store.ts';
import { dynamoPlanStore } from './adapters/dynamo-plan-store.ts';
import { stripeBillingGateway } from './adapters/stripe-billing-gateway.ts';
import { membershipsRoutes } from './memberships-routes.ts';
import type { MembershipsDeps } from './ports.ts';
import {
  applyMembershipEvent,
  applyMembershipGroup,
  membershipEventOrder,
  membershipGroupOf,
} from './use-cases/apply-membership-event.ts';

function membershipsDeps(
  clients: ClientsOf<'membershipsApi'> | ClientsOf<'membershipsWorker'>,
): MembershipsDeps {
  const { doc, tableName } = clients.table;
  return {
    plans: dynamoPlanStore(doc, tableName),
    memberships: dynamoMembershipStore(doc, tableName),
    customers: buildClientCustomers(clients),
    payments: buildPaymentRecords(clients),
    secrets: clients.secrets.cached,
    billing: stripeBillingGateway(clients.stripe),
    logger: clients.observability.logger,
    now: clients.now,
  };
}

/** The memberships API function: plans, sign-ups, lists and cancellations. */
export function buildMembershipsApi(clients: ClientsOf<'membershipsApi'>) {
  return jwtHttpFunction({
    observability: clients.observability,
    cors: clients.cors,
    deps: membershipsDeps(clients),
    routes: membershipsRoutes,
  });
}

/** The memberships worker: Subscription, Invoice and InvoicePayment events onto memberships and their payments. */
export function buildMembershipsWorker(clients: ClientsOf<'membershipsWorker'>) {
  const deps = membershipsDeps(clients);
  return queueWorker({
    queue: 'memberships',
    observability: clients.observability,
    ledger: dynamoEventLedger(clients.table.doc, clients.table.tableName),
    applyEvent: (message) => applyMembershipEvent(deps, message),
    // A batch's events of one Subscription (and its invoices): one read, decided in order, one write.
    grouping: {
      groupOf: membershipGroupOf,
      orderOf: membershipEventOrder,
      applyGroup: (messages) => applyMembershipGroup(deps, messages),
    },
  });
}
