import { resourceMissing } from '../errors.ts';
import type { Customer } from '../objects.ts';
import type { AccountState } from '../store.ts';

/**
 * Finding a customer, for every resource that names one (PaymentIntents, SetupIntents,
 * PaymentMethods, Subscriptions, Invoices). A module of its own below the route modules, so that
 * `customers.ts` can use PaymentMethods and Subscriptions without them importing it back.
 */

/** A customer that exists and is not deleted, or Stripe's 404 (`resource_missing` on `param`). */
export function findCustomer(account: AccountState, id: string, param = 'customer'): Customer {
  const customer = account.find('customer', id);
  if (!customer || customer.deleted) throw resourceMissing('customer', id, param);
  return customer;
}
