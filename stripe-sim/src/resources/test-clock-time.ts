import type { RequestContext } from '../core.ts';
import { resourceMissing } from '../errors.ts';
import type { Customer, TestClock } from '../objects.ts';
import type { AccountState } from '../store.ts';

/**
 * Whose time a Test Clock sets: lookups that customers and subscriptions need, kept below
 * `test-clocks.ts` (whose advance runs the billing cycle) so that they do not depend on it.
 */

/** A test clock that exists and is not deleted, or Stripe's 404 (`resource_missing` on `param`). */
export function findTestClock(account: AccountState, id: string, param = 'test_clock'): TestClock {
  const clock = account.find('test_helpers.test_clock', id);
  if (!clock || clock.deleted) throw resourceMissing('test_helpers.test_clock', id, param);
  return clock;
}

/** The present for a customer, in Unix seconds: its test clock's frozen time, else the simulator's now. */
export function customerNow(ctx: RequestContext, customer: Customer): number {
  const clockId = customer.test_clock;
  if (typeof clockId !== 'string') return ctx.now;
  return ctx.account.find('test_helpers.test_clock', clockId)?.frozen_time ?? ctx.now;
}
