import Stripe from 'stripe';
import type { FunctionName } from '../topology.ts';
import { stripeClientSettings, stripePlaceholderKey } from './stripe-sdk.ts';

/**
 * The one Stripe client of a process, made now (CLIs, tests and the local runtime; the Lambda entries use
 * `lazyStripeClient`, which makes the same client on first use). It serves every clinic: each request passes the
 * clinic's key (`{ apiKey }`), so the constructor key is a placeholder that Stripe refuses if a call ever forgets it.
 * The API version is the SDK's pinned one. Locally `BASIS_STRIPE_API_URL` points it at the simulator.
 * Its timeout and retries are the function's own (`stripeCallLimitsFor`): a call never outlives the function.
 */
export function createStripeClient(functionName: FunctionName, env: NodeJS.ProcessEnv = process.env): Stripe {
  return new Stripe(stripePlaceholderKey, {
    ...stripeClientSettings(functionName, env),
    apiVersion: Stripe.API_VERSION as Stripe.LatestApiVersion,
  });
}
