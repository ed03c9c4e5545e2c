import { type Caller, type Mode, modes, NotFoundError, parseInput, ValidationError } from '@basis/shared';
import * as z from 'zod';
import { type PaymentView, paymentStatuses, toPaymentView } from '../domain/payment.ts';
import {
  type CurrencyTotals,
  type ReportWindow,
  reportOf,
  reportWindowOf,
} from '../domain/payments-report.ts';
import type { PaymentPage } from '../payments-views.ts';
import type { PaymentsApiDeps } from '../ports.ts';

const isoInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

export const paymentListQuerySchema = z
  .strictObject({
    mode: z.enum(modes),
    status: z.enum(paymentStatuses).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    path: ['to'],
    message: 'must be after from',
  });

/**
 * `GET …/payments`: newest first; a client sees only their own (through their own index, gsi3: the cost does not
 * grow with the clinic's other payments). Items carry no refunds or disputes: those are on the payment's own GET.
 */
export async function listPayments(
  deps: PaymentsApiDeps,
  caller: Caller,
  clinicId: string,
  query: unknown,
): Promise<PaymentPage> {
  const parsed = parseInput(paymentListQuerySchema, query ?? {}, 'query');
  const page = await deps.payments.list(clinicId, parsed.mode, {
    ...(parsed.status ? { status: parsed.status } : {}),
    ...(parsed.from ? { from: parsed.from } : {}),
    ...(parsed.to ? { to: parsed.to } : {}),
    ...(caller.role === 'client' && caller.clientId ? { clientId: caller.clientId } : {}),
    limit: parsed.limit,
    ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
  });
  return { data: page.items.map((record) => toPaymentView(record)), nextCursor: page.nextCursor };
}

export const ledgerQuerySchema = z.strictObject({
  mode: z.enum(modes),
  type: z.string().min(1).max(100).optional(),
  paymentId: z
    .string()
    .regex(/^pi_\w{1,250}$/)
    .optional()
    .meta({ description: "The payment's events: its own and its charges', refunds' and disputes'." }),
  objectId: z
    .string()
    .regex(/^[a-z]{2,6}_\w{1,250}$/)
    .optional()
    .meta({
      description:
        "One Stripe object's events (a payout, card, subscription, invoice …). A charge's, refund's or dispute's events are filed under their payment: give `paymentId` with it.",
      example: 'po_…',
    }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

/**
 * `GET …/events`: the event ledger, newest first: "did Stripe tell us?". With `paymentId` or `objectId`, that
 * object's events (one Query on its partition); with neither, the clinic's events that failed at least once.
 */
export async function listLedger(deps: PaymentsApiDeps, clinicId: string, query: unknown) {
  const parsed = parseInput(ledgerQuerySchema, query ?? {}, 'query');
  return deps.ledger.list(clinicId, parsed.mode, {
    limit: parsed.limit,
    ...(parsed.type ? { type: parsed.type } : {}),
    ...(parsed.paymentId ? { paymentId: parsed.paymentId } : {}),
    ...(parsed.objectId ? { objectId: parsed.objectId } : {}),
    ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
  });
}

export const reportQuerySchema = z.strictObject({
  mode: z.enum(modes),
  from: isoInstant.optional().meta({
    description:
      'Inclusive start, an ISO 8601 date-time (default: the first of the month before `to`, or of the current month, UTC).',
  }),
  to: isoInstant.optional().meta({
    description:
      'Exclusive end, an ISO 8601 date-time (default: the first of the month after that of `from`, or of the next month, UTC).',
  }),
  format: z.enum(['json', 'csv']).default('json'),
});

/** The report of a window, per currency (`format` decides how the route answers it). */
export interface PaymentsReport extends ReportWindow {
  mode: Mode;
  currencies: CurrencyTotals[];
  format: 'json' | 'csv';
}

/**
 * `GET …/reports/payments`: per currency, over the window `[from, to)` (default: the current calendar month, UTC;
 * at most 366 days). A payment counts in the window it succeeded in, a refund in the window it succeeded in.
 *
 * This is the one place that reads for a report: one Query on the report index (gsi4, `gsi4sk BETWEEN from AND to`),
 * where payments are filed when they succeeded or failed, refunds when they succeeded and disputes under their
 * payment; it reads nothing outside the window, whatever the clinic's history.
 */
export async function paymentsReport(
  deps: PaymentsApiDeps,
  clinicId: string,
  query: unknown,
): Promise<PaymentsReport> {
  const parsed = parseInput(reportQuerySchema, query ?? {}, 'query');
  const windowed = reportWindowOf(parsed, deps.now());
  if ('problem' in windowed) {
    throw new ValidationError(
      windowed.problem.field,
      `Invalid ${windowed.problem.field}: ${windowed.problem.message}.`,
    );
  }
  const { window } = windowed;
  const entries = await deps.payments.report(clinicId, parsed.mode, window);
  return { mode: parsed.mode, ...window, currencies: reportOf(entries), format: parsed.format };
}

/**
 * `GET …/bookings/{bookingId}/payment?mode=`: the booking's payment (the one claimed for it, through the booking's
 * key: one GetItem, then one Query for the payment with its refunds and disputes). A client sees only a payment of their own; anyone else's booking is as good as absent.
 */
export async function bookingPayment(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; mode: Mode; bookingId: string },
): Promise<PaymentView> {
  const booking = await deps.bookings.get(input.clinicId, input.mode, input.bookingId);
  const slice = booking?.paymentId
    ? await deps.payments.slice(input.clinicId, input.mode, booking.paymentId)
    : undefined;
  if (!slice || (caller.role === 'client' && slice.payment.clientId !== caller.clientId)) {
    throw new NotFoundError(
      'payment_not_found',
      `Booking ${input.bookingId} has no payment in ${input.mode} mode.`,
    );
  }
  return toPaymentView(slice.payment, slice);
}
