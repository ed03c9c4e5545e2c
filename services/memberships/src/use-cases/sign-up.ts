import {
  type Caller,
  ConflictError,
  ForbiddenError,
  type Mode,
  modes,
  NotFoundError,
  opaqueId,
  requireModeSecrets,
} from '@basis/shared';
import * as z from 'zod';
import { idempotencyKeyOf } from '../domain/idempotency-key.ts';
import { isLive, type MembershipStatus } from '../domain/membership.ts';
import type { MembershipsDeps, SignUpClaim, SubscriptionView } from '../ports.ts';
import { recordInvoice, recordSubscription } from './record-membership.ts';

export const signUpBodySchema = z.strictObject({
  mode: z.enum(modes),
  planId: opaqueId,
  paymentMethodId: z
    .string()
    .regex(/^pm_\w+$/)
    .optional(),
});
export type SignUpBody = z.infer<typeof signUpBodySchema>;

/** Without an Idempotency-Key, a second sign-up this soon after the first is the same click again. */
const doubleClickWindowMs = 60_000;

/** A client may only act for themself; staff and admins for any client of their clinic. */
export function assertActsFor(caller: Caller, clientId: string): void {
  if (caller.role === 'client' && caller.clientId !== clientId) {
    throw new ForbiddenError('A client may only act for themself.');
  }
}

interface SignUpInput {
  clinicId: string;
  clientId: string;
  body: SignUpBody;
  requestKey: string | undefined;
}

/**
 * Records the Subscription as Stripe answered it (as its webhooks will), with the latest invoice and, when its last
 * attempt failed, why: the answer and the membership agree at once, whichever of them and the events comes first.
 */
export async function recordFromStripe(
  deps: MembershipsDeps,
  target: { clinicId: string; mode: Mode; secretKey: string },
  view: SubscriptionView,
) {
  const keyed = {
    clinicId: target.clinicId,
    mode: target.mode,
    membershipId: view.subscription.id,
    secretKey: async () => target.secretKey,
  };
  const readAtMs = deps.now().getTime();
  const eventCreated = Math.floor(readAtMs / 1000);
  let { record } = await recordSubscription(deps, keyed, {
    eventId: `api_${view.subscription.id}_${readAtMs}`,
    eventCreated,
    subscription: view.subscription,
    authoritative: true,
    readAtMs,
  });
  const invoice = view.latestInvoice;
  if (invoice) {
    const details =
      invoice.status === 'paid' || invoice.attempt_count > 0
        ? await deps.billing.retrieveInvoice(target.secretKey, invoice.id)
        : { paymentIntentId: null };
    const failure =
      invoice.status === 'open' && invoice.attempt_count > 0 && details.paymentIntentId
        ? await deps.billing.paymentFailure(target.secretKey, details.paymentIntentId)
        : null;
    const paymentId = invoice.status === 'paid' ? details.paymentIntentId : null;
    if (paymentId) {
      await deps.payments.linkInvoice(target.clinicId, target.mode, paymentId, {
        membershipId: view.subscription.id,
        invoiceId: invoice.id,
        clientId: view.subscription.metadata?.client_id ?? null,
      });
    }
    const applied = await recordInvoice(
      deps,
      keyed,
      {
        eventId: `api_${invoice.id}_${invoice.attempt_count}_${invoice.status}`,
        invoice,
        paymentId,
        failure,
      },
      eventCreated,
    );
    record = applied.record ?? record;
  }
  return record;
}

function answer(view: SubscriptionView, publishableKey: string, created: boolean) {
  const status: MembershipStatus = view.subscription.status;
  const waitsForClient = status === 'incomplete' && view.latestInvoice?.status === 'open';
  return {
    created,
    membership: {
      membershipId: view.subscription.id,
      status,
      clientSecret: waitsForClient ? view.clientSecret : null,
      publishableKey,
    },
  };
}

async function liveStatusOf(
  deps: MembershipsDeps,
  input: SignUpInput,
  secretKey: string,
  subscriptionId: string,
): Promise<MembershipStatus> {
  const stored = await deps.memberships.get(input.clinicId, input.body.mode, subscriptionId);
  if (stored) return stored.status;
  return (await deps.billing.retrieveSubscription(secretKey, subscriptionId)).subscription.status;
}

/**
 * Which sign-up generation this request works on: a new one when the client has no live membership of the plan, the
 * current one when this is a repeat (same Idempotency-Key, or a double click), and 409 `membership_exists` otherwise.
 */
async function claimSignUp(
  deps: MembershipsDeps,
  input: SignUpInput,
  secretKey: string,
): Promise<{ claim: SignUpClaim; repeat: boolean }> {
  const { clinicId, clientId, body } = input;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const claim = await deps.memberships.claim(clinicId, body.mode, clientId, body.planId);
    if (claim && claim.subscriptionId === null) return { claim, repeat: true };
    if (claim?.subscriptionId && isLive(await liveStatusOf(deps, input, secretKey, claim.subscriptionId))) {
      const repeat = input.requestKey
        ? claim.requestKey === input.requestKey
        : claim.requestKey === null &&
          deps.now().getTime() - Date.parse(claim.createdAt) < doubleClickWindowMs;
      if (repeat) return { claim, repeat: true };
      throw new ConflictError('membership_exists', 'The client already has a live membership of this plan.');
    }
    const next: SignUpClaim = {
      clinicId,
      mode: body.mode,
      clientId,
      planId: body.planId,
      generation: (claim?.generation ?? 0) + 1,
      subscriptionId: null,
      requestKey: input.requestKey ?? null,
      createdAt: deps.now().toISOString(),
    };
    if (await deps.memberships.takeClaim(next, claim?.generation)) return { claim: next, repeat: false };
  }
  throw new ConflictError('request_in_progress', 'This sign-up is being made by another request; try again.');
}

/**
 * `POST …/clients/{clientId}/memberships`: the client's Customer (payments' customer logic), then a Subscription to the
 * plan's Price with `payment_behavior=default_incomplete` and the paying card saved for renewals, as Stripe documents.
 * With a usable saved card the first invoice is paid at once, server-side (off-session when staff sign the client
 * up); otherwise, or when the card needs 3-D Secure, the answer carries the invoice's `confirmation_secret` for
 * Stripe.js. One Subscription per sign-up generation: its Idempotency-Key is derived from client, plan and generation.
 */
export async function signUp(deps: MembershipsDeps, caller: Caller, input: SignUpInput) {
  const { clinicId, clientId, body } = input;
  assertActsFor(caller, clientId);
  const plan = await deps.plans.get(clinicId, body.mode, body.planId);
  if (!plan)
    throw new NotFoundError('plan_not_found', `No membership plan ${body.planId} in ${body.mode} mode.`);
  if (!plan.active) throw new ConflictError('plan_inactive', 'This plan takes no new members.');
  const connection = await requireModeSecrets(deps.secrets, clinicId, body.mode);
  const { secretKey } = connection;
  // Customer and card first: a card that is not the client's is refused before any sign-up is claimed.
  const customerId = await deps.customers.ensureCustomer({ clinicId, mode: body.mode, clientId, connection });
  const card = await deps.customers.usableCard({
    clinicId,
    mode: body.mode,
    customerId,
    secretKey,
    paymentMethodId: body.paymentMethodId,
  });
  const { claim, repeat } = await claimSignUp(deps, input, secretKey);
  if (repeat && claim.subscriptionId) {
    const current = await deps.billing.retrieveSubscription(secretKey, claim.subscriptionId);
    return answer(current, connection.publishableKey, false);
  }
  let view = await deps.billing.createSubscription(secretKey, {
    customerId,
    priceId: plan.priceId,
    metadata: { clinic_id: clinicId, client_id: clientId, plan_id: plan.planId },
    idempotencyKey: idempotencyKeyOf(
      'membership',
      clinicId,
      body.mode,
      clientId,
      plan.planId,
      claim.generation,
    ),
  });
  await deps.memberships.setClaimSubscription(claim, view.subscription.id);
  const invoice = view.latestInvoice;
  if (card && view.subscription.status === 'incomplete' && invoice?.status === 'open') {
    await deps.billing.payInvoice(secretKey, invoice.id, {
      paymentMethodId: card,
      // The client signing up is present and can pass 3-D Secure; staff sign-ups charge the card off-session.
      offSession: caller.role !== 'client',
      idempotencyKey: idempotencyKeyOf('membership-pay', view.subscription.id, invoice.id, card),
    });
    view = await deps.billing.retrieveSubscription(secretKey, view.subscription.id);
  }
  await recordFromStripe(deps, { clinicId, mode: body.mode, secretKey }, view);
  return answer(view, connection.publishableKey, !repeat);
}
