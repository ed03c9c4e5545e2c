/**
 * @basis/memberships: membership plans (Stripe Products + Prices), memberships (Stripe Subscriptions) and their
 * lifecycle from Stripe's subscription and invoice events; each paid invoice becomes a Payment through payments'
 * `PaymentRecords` port. The memberships API and worker.
 */

export { buildMembershipsApi, buildMembershipsWorker } from './build.ts';
export { membershipsContracts } from './memberships-contract.ts';
