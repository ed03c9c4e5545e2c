/**
 * @basis/refunds: first-class refunds (pending → succeeded | failed | canceled, never made twice) and disputes,
 * recorded on their payment through payments' `PaymentRecords` port; the refunds API and worker.
 */
export { buildRefundsApi, buildRefundsWorker } from './build.ts';
export { refundsContracts } from './refunds-contract.ts';
