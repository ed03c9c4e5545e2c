import type { Mode } from '@basis/shared';
import type { PaymentsApiDeps } from '../ports.ts';

/**
 * The client's Stripe Customer for the mode, created on first need. Race-safe: two concurrent first requests send
 * the same Idempotency-Key (so Stripe makes one customer) and a conditional write keeps the first record.
 */
export async function ensureCustomer(
  deps: Pick<PaymentsApiDeps, 'customers' | 'gateway'>,
  input: { clinicId: string; mode: Mode; clientId: string; secretKey: string },
): Promise<string> {
  const existing = await deps.customers.byClient(input.clinicId, input.mode, input.clientId);
  if (existing) return existing.customerId;
  const { customerId } = await deps.gateway.createCustomer(input.secretKey, {
    clinicId: input.clinicId,
    clientId: input.clientId,
    idempotencyKey: `basis-customer-${input.clinicId}-${input.mode}-${input.clientId}`,
  });
  const stored = await deps.customers.create({
    clinicId: input.clinicId,
    mode: input.mode,
    clientId: input.clientId,
    customerId,
  });
  return stored.customerId;
}
