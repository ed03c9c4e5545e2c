/**
 * @basis/stripe-sim: the local, stateful Stripe simulator (a dev and test tool; production code never imports it).
 * See stripe-sim/README.md.
 */
export { startStripeSimulator } from './server.ts';
