/**
 * The Stripe objects the simulator keeps, typed only as far as its code reads and writes them.
 * Every stored object is already in Stripe's JSON shape; rendering is a deep copy.
 */
export type Metadata = Record<string, string>;

export interface StripeObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

export interface Customer extends StripeObject {
  object: 'customer';
  metadata: Metadata;
  invoice_settings: { default_payment_method: string | null; [field: string]: unknown };
  deleted?: true;
}

export interface CardDetails {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  funding: string;
  country: string;
  [field: string]: unknown;
}

export interface PaymentMethod extends StripeObject {
  object: 'payment_method';
  customer: string | null;
  metadata: Metadata;
  card: CardDetails;
  billing_details: Record<string, unknown>;
}

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

export interface PaymentIntent extends StripeObject {
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Metadata;
  status: PaymentIntentStatus;
  payment_method: string | null;
  setup_future_usage: string | null;
  latest_charge: string | null;
  last_payment_error: Record<string, unknown> | null;
  next_action: Record<string, unknown> | null;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: string } | null;
  allowed_payment_method_types: string[] | null;
  client_secret: string;
  canceled_at: number | null;
  cancellation_reason: string | null;
}

export interface SetupIntent extends StripeObject {
  object: 'setup_intent';
  customer: string | null;
  status: PaymentIntentStatus;
  payment_method: string | null;
  usage: string;
  metadata: Metadata;
  last_setup_error: Record<string, unknown> | null;
  next_action: Record<string, unknown> | null;
  latest_attempt: string | null;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: string } | null;
  allowed_payment_method_types: string[] | null;
  client_secret: string;
}

export interface Charge extends StripeObject {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  refunded: boolean;
  paid: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  disputed: boolean;
  payment_intent: string | null;
  payment_method: string | null;
  customer: string | null;
  balance_transaction: string | null;
  metadata: Metadata;
  description: string | null;
}

export interface Refund extends StripeObject {
  object: 'refund';
  amount: number;
  charge: string;
  currency: string;
  payment_intent: string | null;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  metadata: Metadata;
  balance_transaction: string | null;
}

export interface BalanceTransaction extends StripeObject {
  object: 'balance_transaction';
  amount: number;
  currency: string;
  fee: number;
  net: number;
  type: string;
  reporting_category: string;
  source: string | null;
  status: 'available' | 'pending';
  available_on: number;
  created: number;
}

export interface Payout extends StripeObject {
  object: 'payout';
  amount: number;
  currency: string;
  automatic: boolean;
  status: 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
  reconciliation_status: 'not_applicable' | 'in_progress' | 'completed';
  balance_transaction: string;
  failure_code: string | null;
  failure_message: string | null;
  failure_balance_transaction: string | null;
  created: number;
}

export interface Dispute extends StripeObject {
  object: 'dispute';
  amount: number;
  currency: string;
  charge: string;
  status: string;
  reason: string;
  balance_transactions: BalanceTransaction[];
  is_charge_refundable: boolean;
  evidence_details: Record<string, unknown>;
}

export interface WebhookEndpoint extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  api_version: string | null;
  status: 'enabled' | 'disabled';
  metadata: Metadata;
  description: string | null;
}

export interface StripeEvent extends StripeObject {
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: boolean;
  pending_webhooks: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  request: { id: string | null; idempotency_key: string | null };
}

export interface Product extends StripeObject {
  object: 'product';
  active: boolean;
  name: string;
  metadata: Metadata;
  default_price: string | null;
  updated: number;
}

export type RecurringInterval = 'day' | 'week' | 'month' | 'year';

export interface Price extends StripeObject {
  object: 'price';
  active: boolean;
  currency: string;
  product: string;
  unit_amount: number;
  lookup_key: string | null;
  metadata: Metadata;
  type: 'one_time' | 'recurring';
  recurring: { interval: RecurringInterval; interval_count: number; [field: string]: unknown } | null;
}

export type SubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'canceled'
  | 'paused';

export interface SubscriptionItem extends StripeObject {
  object: 'subscription_item';
  current_period_start: number;
  current_period_end: number;
  price: Price;
  quantity: number;
  subscription: string;
}

export interface Subscription extends StripeObject {
  object: 'subscription';
  customer: string;
  status: SubscriptionStatus;
  created: number;
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  currency: string;
  default_payment_method: string | null;
  items: { object: 'list'; data: SubscriptionItem[]; has_more: boolean; url: string; total_count?: number };
  latest_invoice: string | null;
  metadata: Metadata;
  payment_settings: { save_default_payment_method: string | null; [field: string]: unknown };
  cancellation_details: { comment: string | null; feedback: string | null; reason: string | null };
  test_clock: string | null;
}

export interface InvoiceLineItem extends StripeObject {
  object: 'line_item';
  amount: number;
  period: { start: number; end: number };
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';

export interface Invoice extends StripeObject {
  object: 'invoice';
  customer: string;
  status: InvoiceStatus;
  billing_reason: string;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  auto_advance: boolean;
  automatically_finalizes_at: number | null;
  currency: string;
  created: number;
  next_payment_attempt: number | null;
  number: string | null;
  parent: {
    type: string;
    quote_details: null;
    subscription_details: { metadata: Metadata | null; subscription: string } | null;
  } | null;
  status_transitions: {
    finalized_at: number | null;
    marked_uncollectible_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
  };
  last_finalization_error: Record<string, unknown> | null;
  test_clock: string | null;
  total: number;
  lines: { object: 'list'; data: InvoiceLineItem[]; has_more: boolean; total_count: number; url: string };
}

export interface InvoicePayment extends StripeObject {
  object: 'invoice_payment';
  amount_paid: number | null;
  amount_requested: number;
  created: number;
  currency: string;
  invoice: string;
  is_default: boolean;
  payment: { type: 'payment_intent'; payment_intent: string };
  status: 'open' | 'paid' | 'canceled';
  status_transitions: { canceled_at: number | null; paid_at: number | null };
}

export interface TestClock extends StripeObject {
  object: 'test_helpers.test_clock';
  created: number;
  deletes_after: number;
  frozen_time: number;
  name: string | null;
  status: 'ready' | 'advancing' | 'internal_failure';
  status_details: Record<string, unknown>;
  deleted?: true;
}

/** Object name → TypeScript type, for typed look-ups in the store. */
export interface ObjectTypes {
  customer: Customer;
  payment_method: PaymentMethod;
  payment_intent: PaymentIntent;
  setup_intent: SetupIntent;
  charge: Charge;
  refund: Refund;
  balance_transaction: BalanceTransaction;
  payout: Payout;
  dispute: Dispute;
  webhook_endpoint: WebhookEndpoint;
  event: StripeEvent;
  product: Product;
  price: Price;
  subscription: Subscription;
  invoice: Invoice;
  invoice_payment: InvoicePayment;
  'test_helpers.test_clock': TestClock;
}

export type ObjectKind = keyof ObjectTypes;

export function snapshot<T>(value: T): T {
  return structuredClone(value);
}

/** Top-level fields of `before` whose value differs in `after`, with their old values (`previous_attributes`). */
export function previousAttributes(before: StripeObject, after: StripeObject): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = before[key] ?? null;
  }
  return changed;
}
