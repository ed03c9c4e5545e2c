import { consoleConfig } from './session.ts';

/**
 * What Stripe.js does in a browser, played against the Stripe simulator: confirm a PaymentIntent or SetupIntent
 * with the clinic's publishable key and the intent's client secret (the card never reaches Basis). A real frontend
 * calls `stripe.confirmCardPayment(clientSecret, …)` / `stripe.confirmCardSetup(…)` here instead.
 */

/** The test cards the console offers (stripe-sim/README.md, "Test cards"). */
export const testCards = [
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_authenticationRequired',
] as const;

/** Stripe's answer to a confirm: the intent's status, or the card error of a decline. */
export interface ConfirmOutcome {
  status: string;
  error?: { code: string; declineCode?: string; message: string };
}

async function stripeCall(path: string, key: string, form: Record<string, string>): Promise<Response> {
  const { stripeApiUrl } = await consoleConfig();
  return fetch(`${stripeApiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

/** The intent id inside a client secret (`pi_123_secret_abc` → `pi_123`). */
function intentIdOf(clientSecret: string): string {
  return clientSecret.slice(0, clientSecret.indexOf('_secret_'));
}

async function confirm(
  kind: 'payment_intents' | 'setup_intents',
  publishableKey: string,
  clientSecret: string,
  paymentMethod: string,
) {
  const response = await stripeCall(`/v1/${kind}/${intentIdOf(clientSecret)}/confirm`, publishableKey, {
    client_secret: clientSecret,
    payment_method: paymentMethod,
  });
  const body = (await response.json()) as {
    status?: string;
    error?: { code?: string; decline_code?: string; message?: string; payment_intent?: { status: string } };
  };
  if (response.ok) return { status: body.status ?? 'unknown' };
  return {
    status: body.error?.payment_intent?.status ?? 'error',
    error: {
      code: body.error?.code ?? `http_${response.status}`,
      ...(body.error?.decline_code ? { declineCode: body.error.decline_code } : {}),
      message: body.error?.message ?? 'Stripe refused the confirm.',
    },
  };
}

/** Confirms a booking's PaymentIntent with a test card, as `stripe.confirmCardPayment` would. */
export function confirmPaymentIntent(
  publishableKey: string,
  clientSecret: string,
  paymentMethod: string,
): Promise<ConfirmOutcome> {
  return confirm('payment_intents', publishableKey, clientSecret, paymentMethod);
}

/** Confirms a SetupIntent with a test card (saves the card to the client's Customer), as `stripe.confirmCardSetup` would. */
export function confirmSetupIntent(
  publishableKey: string,
  clientSecret: string,
  paymentMethod: string,
): Promise<ConfirmOutcome> {
  return confirm('setup_intents', publishableKey, clientSecret, paymentMethod);
}

/**
 * The simulator's own helpers (`/_sim/…`), standing in for the customer or Stripe's side: passing 3-D Secure,
 * creating a payout. They need the clinic's secret key, which only this local console holds (it made the keys up).
 * Throws the simulator's error message.
 */
export async function simulator(
  path: string,
  secretKey: string,
  form: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const response = await stripeCall(path, secretKey, form);
  const body = (await response.json()) as Record<string, unknown> & { error?: { message?: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `simulator: HTTP ${response.status}`);
  return body;
}
