import { ConflictError, type Mode, requireModeSecrets } from '@basis/shared';
import { idempotencyKeyOf } from '../domain/idempotency-key.ts';
import { type PlanBody, type PlanRecord, priceMatches, toPlanView } from '../domain/plan.ts';
import type { MembershipsDeps } from '../ports.ts';

const maxAttempts = 5;

/**
 * `PUT …/membership-plans/{planId}`: the plan's Product (once) and a Price for its terms on the clinic's account.
 * A new amount or interval makes a new Price (existing Subscriptions keep theirs); `active: false` stops sign-ups.
 * Idempotency keys derived from the plan and its terms make a double-clicked save create one Product and one Price.
 */
export async function putPlan(
  deps: Pick<MembershipsDeps, 'plans' | 'secrets' | 'billing' | 'now'>,
  input: { clinicId: string; planId: string; body: PlanBody },
) {
  const { clinicId, planId, body } = input;
  const { secretKey } = await requireModeSecrets(deps.secrets, clinicId, body.mode);
  const intervalCount = body.intervalCount ?? 1;
  // Opaque ids only: a plan's title could reveal health information, so Stripe never sees one.
  const metadata = { clinic_id: clinicId, plan_id: planId };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await deps.plans.get(clinicId, body.mode, planId);
    const productId =
      current?.productId ??
      (await deps.billing.createProduct(secretKey, {
        name: `Basis plan ${planId}`,
        metadata,
        idempotencyKey: idempotencyKeyOf('plan-product', clinicId, body.mode, planId),
      }));
    const priceId =
      current && priceMatches(current, body)
        ? current.priceId
        : await deps.billing.createPrice(secretKey, {
            productId,
            amount: body.amount,
            currency: body.currency,
            interval: body.interval,
            intervalCount,
            metadata,
            idempotencyKey: idempotencyKeyOf(
              'plan-price',
              clinicId,
              body.mode,
              planId,
              productId,
              body.amount,
              body.currency,
              body.interval,
              intervalCount,
            ),
          });
    const now = deps.now().toISOString();
    const next: PlanRecord = {
      clinicId,
      mode: body.mode,
      planId,
      productId,
      priceId,
      amount: body.amount,
      currency: body.currency,
      interval: body.interval,
      intervalCount,
      active: body.active ?? current?.active ?? true,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      version: (current?.version ?? 0) + 1,
    };
    if (current && current.priceId === next.priceId && current.active === next.active)
      return toPlanView(current);
    if (await deps.plans.save(next, current?.version)) return toPlanView(next);
  }
  throw new ConflictError('request_in_progress', 'This plan is being changed by another request; try again.');
}

/** `GET …/membership-plans?mode=`: the clinic's plans. */
export async function listPlans(deps: Pick<MembershipsDeps, 'plans'>, clinicId: string, mode: Mode) {
  const plans = await deps.plans.list(clinicId, mode);
  return { data: plans.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(toPlanView) };
}
