import type { RequestContext } from '../core.ts';
import { invalidRequest, unexpectedState } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type Dispute, previousAttributes, snapshot } from '../objects.ts';
import { readBoolean, readExpand, readMetadata, readString, rejectUnknown } from '../params.ts';
import type { Route } from '../router.ts';
import { addBalanceTransaction } from './balance.ts';

export const DISPUTE_FEE = 1500;
const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;
const OPEN_STATUSES = ['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review'];
const REASON_CODES: Record<string, string> = {
  fraudulent: '10.4',
  duplicate: '12.6.1',
  product_not_received: '13.1',
};

export interface OpenDisputeRequest {
  chargeId: string;
  reason: string;
  amount?: number;
}

/** Opens a chargeback: amount and the 15.00 fee leave the balance, `charge.dispute.created` is sent. */
export function openDispute(ctx: RequestContext, request: OpenDisputeRequest): Dispute {
  const charge = ctx.account.get('charge', request.chargeId, 'charge');
  if (charge.status !== 'succeeded')
    throw invalidRequest(`Charge ${charge.id} did not succeed.`, { param: 'charge' });
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`, { param: 'charge' });
  const amount = request.amount ?? charge.amount;
  const id = newId('dp');
  const withdrawal = addBalanceTransaction(ctx.account, ctx.now, {
    amount: -amount,
    currency: charge.currency,
    fee: DISPUTE_FEE,
    feeDescription: 'Dispute fee',
    type: 'adjustment',
    reportingCategory: 'dispute',
    source: id,
    description: `Chargeback withdrawal for ${charge.id}`,
  });
  const details = charge.payment_method_details as { card?: { brand?: string } } | null;
  const dispute = ctx.account.add<Dispute>({
    id,
    object: 'dispute',
    amount,
    balance_transactions: [snapshot(withdrawal)],
    charge: charge.id,
    created: ctx.now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])), enhanced_evidence: {} },
    evidence_details: {
      due_by: ctx.now + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: ctx.account.livemode,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: details?.card?.brand ?? 'visa',
        case_type: 'chargeback',
        network_reason_code: REASON_CODES[request.reason] ?? '10.4',
      },
      type: 'card',
    },
    reason: request.reason,
    status: 'needs_response',
  });
  charge.disputed = true;
  ctx.emit('charge.dispute.created', dispute);
  ctx.emit('charge.dispute.funds_withdrawn', dispute);
  return dispute;
}

function openDisputeOrThrow(ctx: RequestContext, id: string): Dispute {
  const dispute = ctx.account.get('dispute', id, 'dispute');
  if (!OPEN_STATUSES.includes(dispute.status)) {
    throw unexpectedState(
      'dispute_already_closed',
      `This dispute is already closed (status ${dispute.status}).`,
    );
  }
  return dispute;
}

/** Evidence submitted or a status change by the network: `charge.dispute.updated` with previous attributes. */
export function updateDispute(ctx: RequestContext, id: string, params: FormParams, status?: string): Dispute {
  const dispute = openDisputeOrThrow(ctx, id);
  const before = snapshot(dispute);
  const evidence = dispute.evidence as Record<string, unknown>;
  for (const field of EVIDENCE_FIELDS) {
    const value = readString(params, 'evidence', field);
    if (value !== undefined) evidence[field] = value || null;
  }
  const metadata = readMetadata(params, dispute.metadata as Record<string, string>);
  if (metadata) dispute.metadata = metadata;
  const submit = readBoolean(params, 'submit') ?? params.evidence !== undefined;
  if (submit) {
    const details = dispute.evidence_details;
    details.has_evidence = true;
    details.submission_count = Number(details.submission_count ?? 0) + 1;
  }
  const next = status ?? (submit ? 'under_review' : undefined);
  if (next) dispute.status = next;
  const previous = previousAttributes(before, dispute);
  if (Object.keys(previous).length > 0) ctx.emit('charge.dispute.updated', dispute, previous);
  return dispute;
}

/** Closes a dispute as won (funds reinstated) or lost. */
export function closeDispute(ctx: RequestContext, id: string, outcome: 'won' | 'lost'): Dispute {
  const dispute = openDisputeOrThrow(ctx, id);
  if (outcome === 'won') {
    const reinstatement = addBalanceTransaction(ctx.account, ctx.now, {
      amount: dispute.amount,
      currency: dispute.currency,
      type: 'adjustment',
      reportingCategory: 'dispute_reversal',
      source: dispute.id,
      description: `Chargeback reversal for ${dispute.charge}`,
    });
    dispute.balance_transactions.push(snapshot(reinstatement));
  }
  dispute.status = outcome;
  if (outcome === 'won') ctx.emit('charge.dispute.funds_reinstated', dispute);
  ctx.emit('charge.dispute.closed', dispute);
  return dispute;
}

export const disputeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/disputes',
    family: 'dispute',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'charge', 'payment_intent', 'created']);
      const charge = readString(params, 'charge');
      const intent = readString(params, 'payment_intent');
      const list = paginate(
        ctx.account.list('dispute'),
        params,
        '/v1/disputes',
        (dispute) => (!charge || dispute.charge === charge) && (!intent || dispute.payment_intent === intent),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/disputes/:id',
    family: 'dispute',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('dispute', path.id ?? '', 'dispute'), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id',
    family: 'dispute',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['evidence', 'metadata', 'submit']);
      return render(ctx.account, updateDispute(ctx, path.id ?? '', params), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id/close',
    family: 'dispute',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, closeDispute(ctx, path.id ?? '', 'lost'), readExpand(params));
    },
  },
];
