import { type Mode, type ModeSecrets, StripeObjectMissingError, stripeIdempotencyKey } from '@basis/shared';
import { type CustomerRecord, customerAccountOf } from '../domain/customer.ts';
import type { PaymentsApiDeps } from '../ports.ts';

type CustomerDeps = Pick<PaymentsApiDeps, 'customers' | 'gateway' | 'logger'>;

export interface CustomerInput {
  clinicId: string;
  mode: Mode;
  clientId: string;
  /** The mode's connection: its key, and the Stripe account the customer must be on. */
  connection: Pick<ModeSecrets, 'secretKey' | 'accountId'>;
}

/**
 * The client's Stripe Customer for the mode on the connected Stripe account, created on first need. Race-safe: two
 * concurrent first requests send the same Idempotency-Key (so Stripe makes one customer) and a conditional write
 * keeps the first record. `replacing` names a customer Stripe no longer knows, so that its successor gets a key of
 * its own (Stripe would otherwise replay the deleted one for 24 hours).
 */
export async function ensureCustomer(
  deps: Pick<CustomerDeps, 'customers' | 'gateway'>,
  input: CustomerInput,
  replacing: string | null = null,
): Promise<CustomerRecord> {
  const accountId = customerAccountOf(input.connection);
  const existing = await deps.customers.byClient(input.clinicId, input.mode, accountId, input.clientId);
  if (existing) return existing;
  const { customerId } = await deps.gateway.createCustomer(input.connection.secretKey, {
    clinicId: input.clinicId,
    clientId: input.clientId,
    idempotencyKey: stripeIdempotencyKey(
      'customer',
      input.clinicId,
      input.mode,
      accountId,
      input.clientId,
      replacing ?? '',
    ),
  });
  return deps.customers.create({
    clinicId: input.clinicId,
    mode: input.mode,
    accountId,
    clientId: input.clientId,
    customerId,
  });
}

/** Whether Stripe's "no such object" is about this customer (and not, say, a payment method). */
export function isMissingCustomer(error: unknown, customerId: string): boolean {
  return (
    error instanceof StripeObjectMissingError &&
    (error.param === 'customer' || error.message.includes(customerId))
  );
}

/**
 * Runs `use` with the client's customer on the connected account. When Stripe answers that the customer does not
 * exist (deleted in the Dashboard, or never on this account), the stale reference is dropped, a new customer is
 * made, and `use` runs once more with it: a stored reference never fails a client for good.
 */
export async function withCustomer<T>(
  deps: CustomerDeps,
  input: CustomerInput,
  use: (customerId: string) => Promise<T>,
): Promise<T> {
  const customer = await ensureCustomer(deps, input);
  try {
    return await use(customer.customerId);
  } catch (error) {
    if (!isMissingCustomer(error, customer.customerId)) throw error;
    deps.logger.warn('Stripe no longer knows the stored customer; making a new one', {
      clinicId: input.clinicId,
      customerId: customer.customerId,
    });
    await deps.customers.forget(customer);
    const next = await ensureCustomer(deps, input, customer.customerId);
    return use(next.customerId);
  }
}

/** The client's customer on the connected account, if one was made (nothing is created). */
export function existingCustomer(
  deps: Pick<PaymentsApiDeps, 'customers'>,
  input: Omit<CustomerInput, 'connection'> & { connection: Pick<ModeSecrets, 'accountId'> },
): Promise<CustomerRecord | undefined> {
  return deps.customers.byClient(
    input.clinicId,
    input.mode,
    customerAccountOf(input.connection),
    input.clientId,
  );
}
