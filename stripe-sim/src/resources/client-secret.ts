import type { RequestContext } from '../core.ts';
import { invalidRequest, parameterMissing } from '../errors.ts';
import type { FormParams } from '../form.ts';
import { readString } from '../params.ts';
import type { MethodTypes } from './payment-method-types.ts';

/**
 * Stripe.js calls with the publishable key and the intent's client secret; secret keys need no secret.
 */
export function checkClientSecret(
  ctx: RequestContext,
  params: FormParams,
  intent: { client_secret: string },
  objectName: 'PaymentIntent' | 'SetupIntent',
): void {
  if (ctx.keyKind !== 'publishable') return;
  const secret = readString(params, 'client_secret');
  if (!secret) throw parameterMissing('client_secret');
  if (secret !== intent.client_secret) {
    throw invalidRequest(
      `The client_secret provided does not match the client_secret associated with the ${objectName}.`,
      { param: 'client_secret' },
    );
  }
}

export const RETURN_URL_MESSAGE =
  "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";

/**
 * Stripe refuses a server-side confirm of an intent with automatic payment methods (the default)
 * unless a `return_url` is given or redirects are off. Stripe.js (publishable key) brings its own.
 */
export function checkReturnUrl(
  ctx: RequestContext,
  intent: Pick<MethodTypes, 'automatic_payment_methods' | 'allowed_payment_method_types'>,
  returnUrl: string | undefined,
  offSession: boolean,
): void {
  if (ctx.keyKind === 'publishable' || offSession || returnUrl) return;
  const automatic = intent.automatic_payment_methods;
  if (!automatic?.enabled || automatic.allow_redirects === 'never') return;
  if (intent.allowed_payment_method_types?.every((type) => type === 'card')) return;
  throw invalidRequest(RETURN_URL_MESSAGE);
}
