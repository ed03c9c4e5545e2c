import type Stripe from 'stripe';
import * as z from 'zod/mini';
import { envNames } from '../config/env-names.ts';
import { readConfig } from '../config/read-config.ts';
import type { FunctionName } from '../topology.ts';
import { stripeCallLimitsFor } from './stripe-client-options.ts';

/*
 * Why this file imports the SDK only with `import()`: the Stripe SDK is ~241 KB, and a module's top-level code (its
 * ~100 resource classes, the client's resource objects) runs at cold start when it is imported statically. The
 * functions' bundles keep `import('stripe')` as a bare import and ship the SDK beside the handler
 * (infra/lib/functions/function-bundling.ts), so the SDK is read, compiled and evaluated when the first request needs
 * Stripe, not at init. Any static value import of 'stripe' in a function's code would undo that (it would load the
 * shipped SDK at init); type imports are erased. docs/architecture.md, "Bundles, logs and traces".
 */

/** Loads the Stripe SDK client on first use; later calls answer the same client. */
export type StripeLoader = () => Promise<Stripe>;

/**
 * What a Stripe adapter is given: a client (tests, CLIs, the local runtime) or a loader that imports the SDK when the
 * first call needs it (the Lambda entries, `lazyStripeClient`).
 */
export type StripeClientSource = Stripe | StripeLoader;

/** The source as a loader, so an adapter has one way to reach the client. */
export function stripeLoaderOf(source: StripeClientSource): StripeLoader {
  return typeof source === 'function' ? source : () => Promise.resolve(source);
}

/**
 * The SDK's error classes (`Stripe.errors`), for `instanceof` checks on an error a call threw. The module is already
 * evaluated by then (a call made it), so this costs a resolved promise.
 */
export async function stripeErrorClasses(): Promise<typeof Stripe.errors> {
  return (await import('stripe')).default.errors;
}

/** The Stripe client options of a function, without the SDK itself: see `createStripeClient`. */
export interface StripeClientSettings {
  maxNetworkRetries: number;
  /** Per attempt, milliseconds. */
  timeout: number;
  appInfo: { name: string };
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

/**
 * The options of a function's Stripe client: its timeout and retries (`stripeCallLimitsFor`), and the simulator's
 * address when `BASIS_STRIPE_API_URL` is set. Read from the environment at once, so a malformed URL fails the cold
 * start, not the first call.
 */
export function stripeClientSettings(
  functionName: FunctionName,
  env: NodeJS.ProcessEnv = process.env,
): StripeClientSettings {
  const config = readConfig({ [envNames.stripeApiUrl]: z.optional(z.url()) }, env);
  const apiUrl = config[envNames.stripeApiUrl] as string | undefined;
  const target = apiUrl ? new URL(apiUrl) : undefined;
  const limits = stripeCallLimitsFor(functionName);
  return {
    maxNetworkRetries: limits.maxNetworkRetries,
    timeout: limits.timeoutMs,
    appInfo: { name: 'basis-payments' },
    ...(target
      ? {
          host: target.hostname,
          port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
          protocol: target.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  };
}

/**
 * The placeholder key of the process's one client. Every request passes the clinic's key (`{ apiKey }`); Stripe
 * refuses this one if a call ever forgets it.
 */
export const stripePlaceholderKey = 'sk_test_placeholder_every_request_passes_the_clinic_key';

/**
 * The Lambda entries' Stripe client: the same client as `createStripeClient`, made on the first call that needs it,
 * with the SDK imported then (see the top of this file). Its settings are read now.
 */
export function lazyStripeClient(
  functionName: FunctionName,
  env: NodeJS.ProcessEnv = process.env,
): StripeLoader {
  const settings = stripeClientSettings(functionName, env);
  let client: Promise<Stripe> | undefined;
  return () => {
    client ??= import('stripe').then(
      ({ default: Stripe }) =>
        new Stripe(stripePlaceholderKey, {
          ...settings,
          apiVersion: Stripe.API_VERSION as Stripe.LatestApiVersion,
        }),
    );
    return client;
  };
}

/**
 * The Stripe API version the SDK is pinned to (`Stripe.API_VERSION`), written out so that reading it loads no SDK;
 * the type is the SDK's own, so an SDK upgrade that changes the version does not compile until this follows.
 */
export const stripeApiVersion: Stripe.LatestApiVersion = '2026-10-28.endive';
