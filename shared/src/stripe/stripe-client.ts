import Stripe from 'stripe';
import * as z from 'zod';
import { envNames } from '../config/env-names.ts';
import { readConfig } from '../config/read-config.ts';
import type { FunctionName } from '../topology.ts';
import { stripeCallLimitsFor } from './stripe-client-options.ts';

/**
 * The one Stripe client of a process. It serves every clinic: each request passes the clinic's key
 * (`{ apiKey }`), so the constructor key below is a placeholder that Stripe refuses if a call ever forgets it.
 * The API version is the SDK's pinned one. Locally `BASIS_STRIPE_API_URL` points it at the simulator.
 * Its timeout and retries are the function's own (`stripeCallLimitsFor`): a call never outlives the function.
 */
export function createStripeClient(functionName: FunctionName, env: NodeJS.ProcessEnv = process.env): Stripe {
  const config = readConfig({ [envNames.stripeApiUrl]: z.url().optional() }, env);
  const apiUrl = config[envNames.stripeApiUrl] as string | undefined;
  const target = apiUrl ? new URL(apiUrl) : undefined;
  const limits = stripeCallLimitsFor(functionName);
  return new Stripe('sk_test_placeholder_every_request_passes_the_clinic_key', {
    apiVersion: Stripe.API_VERSION as Stripe.LatestApiVersion,
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
  });
}

export const stripeApiVersion: string = Stripe.API_VERSION;
