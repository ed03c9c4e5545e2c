import * as z from 'zod';
import type { DisputeFact, RefundFact } from './refunds.ts';

const idOf = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullable()
  .optional();

export function idFrom(value: z.infer<typeof idOf>): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

export const stripeRefundSchema = z.looseObject({
  id: z.string().startsWith('re_'),
  object: z.literal('refund'),
  amount: z.number().int().positive(),
  status: z.enum(['pending', 'requires_action', 'succeeded', 'failed', 'canceled']),
  reason: z.string().nullable().optional(),
  failure_reason: z.string().nullable().optional(),
  created: z.number().int(),
  payment_intent: idOf,
  charge: idOf,
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});
export type StripeRefund = z.infer<typeof stripeRefundSchema>;

export const stripeChargeSchema = z.looseObject({
  id: z.string().startsWith('ch_'),
  object: z.literal('charge'),
  amount_refunded: z.number().int().nonnegative(),
  payment_intent: idOf,
  refunds: z
    .looseObject({ data: z.array(z.unknown()) })
    .nullable()
    .optional(),
});

export const stripeDisputeSchema = z.looseObject({
  id: z.string().startsWith('dp_'),
  object: z.literal('dispute'),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  status: z.string(),
  reason: z.string().nullable().optional(),
  created: z.number().int(),
  payment_intent: idOf,
  charge: idOf,
  evidence_details: z.looseObject({ due_by: z.number().int().nullable().optional() }).nullable().optional(),
});

export function refundFact(refund: StripeRefund, factCreated: number): RefundFact {
  return {
    refundId: refund.id,
    amount: refund.amount,
    status: refund.status,
    reason: refund.reason ?? null,
    failureReason: refund.failure_reason ?? null,
    created: refund.created,
    factCreated,
    refundKey: refund.metadata?.refund_request_id ?? null,
  };
}

export function disputeFact(dispute: z.infer<typeof stripeDisputeSchema>, factCreated: number): DisputeFact {
  return {
    disputeId: dispute.id,
    amount: dispute.amount,
    currency: dispute.currency,
    status: dispute.status,
    reason: dispute.reason ?? null,
    evidenceDueBy: dispute.evidence_details?.due_by ?? null,
    created: dispute.created,
    factCreated,
  };
}
