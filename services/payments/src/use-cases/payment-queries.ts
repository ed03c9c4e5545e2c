import { type Caller, modes, parseInput } from '@basis/shared';
import * as z from 'zod';
import { paymentStatuses, toPaymentView } from '../domain/payment.ts';
import { addToReport, type CurrencyTotals } from '../domain/payments-report.ts';
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

/** `GET …/payments`: newest first, through the by-date index; a client sees only their own. */
export async function listPayments(deps: PaymentsApiDeps, caller: Caller, clinicId: string, query: unknown) {
  const parsed = parseInput(paymentListQuerySchema, query ?? {}, 'query');
  const page = await deps.payments.list(clinicId, parsed.mode, {
    ...(parsed.status ? { status: parsed.status } : {}),
    ...(parsed.from ? { from: parsed.from } : {}),
    ...(parsed.to ? { to: parsed.to } : {}),
    ...(caller.role === 'client' && caller.clientId ? { clientId: caller.clientId } : {}),
    limit: parsed.limit,
    ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
  });
  return { data: page.items.map(toPaymentView), nextCursor: page.nextCursor };
}

export const ledgerQuerySchema = z.strictObject({
  mode: z.enum(modes),
  type: z.string().min(1).max(100).optional(),
  paymentId: z
    .string()
    .regex(/^pi_\w+$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

/** `GET …/events`: the event ledger, newest first: "did Stripe tell us?". */
export async function listLedger(deps: PaymentsApiDeps, clinicId: string, query: unknown) {
  const parsed = parseInput(ledgerQuerySchema, query ?? {}, 'query');
  return deps.ledger.list(clinicId, parsed.mode, {
    limit: parsed.limit,
    ...(parsed.type ? { type: parsed.type } : {}),
    ...(parsed.paymentId ? { paymentId: parsed.paymentId } : {}),
    ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
  });
}

export const reportQuerySchema = z
  .strictObject({ mode: z.enum(modes), from: isoInstant.optional(), to: isoInstant.optional() })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    path: ['to'],
    message: 'must be after from',
  });

/**
 * `GET …/reports/payments`: per currency, over payments created in [from, to) (UTC). Reads the by-date index page
 * by page (never a Scan), so it is exact across page boundaries.
 */
export async function paymentsReport(deps: PaymentsApiDeps, clinicId: string, query: unknown) {
  const parsed = parseInput(reportQuerySchema, query ?? {}, 'query');
  const totals = new Map<string, CurrencyTotals>();
  let cursor: string | undefined;
  do {
    const page = await deps.payments.list(clinicId, parsed.mode, {
      ...(parsed.from ? { from: parsed.from } : {}),
      ...(parsed.to ? { to: parsed.to } : {}),
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const payment of page.items) addToReport(totals, payment);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return {
    mode: parsed.mode,
    from: parsed.from ?? null,
    to: parsed.to ?? null,
    currencies: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
