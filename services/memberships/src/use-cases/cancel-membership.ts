import {
  type Caller,
  type Mode,
  requireModeSecrets,
  StripeObjectMissingError,
  StripeRequestRejectedError,
} from '@basis/shared';
import * as z from 'zod';
import { idempotencyKeyOf } from '../domain/idempotency-key.ts';
import { isLive, toMembershipView } from '../domain/membership.ts';
import type { MembershipsDeps } from '../ports.ts';
import { findMembership } from './membership-queries.ts';
import { recordFromStripe } from './sign-up.ts';

export const cancelBodySchema = z.strictObject({ atPeriodEnd: z.boolean() });

/**
 * `POST …/memberships/{membershipId}/cancel`: at period end (`cancel_at_period_end`: the client keeps what they paid
 * for, and no renewal is charged) or now (the Subscription is canceled at once). A membership that already ended is
 * answered as it is. The record is updated from Stripe's answer, as the webhooks will.
 */
export async function cancelMembership(
  deps: MembershipsDeps,
  caller: Caller,
  input: { clinicId: string; membershipId: string; mode: Mode | undefined; atPeriodEnd: boolean },
) {
  const record = await findMembership(deps, caller, input);
  if (!isLive(record.status) || (input.atPeriodEnd && record.cancelAtPeriodEnd))
    return toMembershipView(record);
  const { secretKey } = await requireModeSecrets(deps.secrets, input.clinicId, record.mode);
  const cancel = () =>
    input.atPeriodEnd
      ? deps.billing.setCancelAtPeriodEnd(
          secretKey,
          record.membershipId,
          idempotencyKeyOf('membership-cancel-at-period-end', record.membershipId),
        )
      : deps.billing.cancelNow(
          secretKey,
          record.membershipId,
          idempotencyKeyOf('membership-cancel-now', record.membershipId),
        );
  const view = await cancel().catch(async (error: unknown) => {
    // Stripe refuses to cancel what already ended (404 `resource_missing` for a canceled Subscription; ended in the
    // Dashboard, say, before its event reached us): answer the membership as Stripe has it rather than an error.
    if (!(error instanceof StripeRequestRejectedError || error instanceof StripeObjectMissingError))
      throw error;
    const current = await deps.billing.retrieveSubscription(secretKey, record.membershipId);
    if (isLive(current.subscription.status)) throw error;
    return current;
  });
  const updated = await recordFromStripe(
    deps,
    { clinicId: input.clinicId, mode: record.mode, secretKey },
    view,
  );
  return toMembershipView(updated ?? record);
}
