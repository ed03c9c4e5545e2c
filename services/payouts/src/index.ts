/**
 * @basis/payouts: payouts applied from Stripe's events and reconciled with the payments (and refunds) they paid
 * out; the payouts API and worker.
 */
export { buildPayoutsApi, buildPayoutsWorker, type PayoutsWorkerOptions } from './build.ts';
export { payoutsContracts } from './payouts-contract.ts';
