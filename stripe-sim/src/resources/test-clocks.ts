import type { RequestContext } from '../core.ts';
import { invalidRequest, invalidValue } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { Customer, TestClock } from '../objects.ts';
import { readExpand, readNullableString, rejectUnknown, requireInteger } from '../params.ts';
import type { Route } from '../router.ts';
import { runBilling } from './subscription-cycle.ts';
import { findTestClock } from './test-clock-time.ts';

/**
 * Test Clocks (`clock_…`, Stripe's `test_helpers.test_clock`): a frozen time for the customers
 * created with `test_clock=clock_…` and their subscriptions and invoices. Advancing is
 * asynchronous as on Stripe: the answer says `advancing`, the clock becomes `ready` (with
 * `test_helpers.test_clock.advancing`/`.ready` events) once every billing step up to the new
 * time has run. Deleting a clock deletes its customers and their subscriptions.
 */
const CLOCK_LIFETIME_SECONDS = 30 * 86_400;

function createClock(ctx: RequestContext, params: FormParams): TestClock {
  rejectUnknown(params, ['frozen_time', 'name']);
  const clock = ctx.account.add<TestClock>({
    id: newId('clock'),
    object: 'test_helpers.test_clock',
    created: ctx.now,
    deletes_after: ctx.now + CLOCK_LIFETIME_SECONDS,
    frozen_time: requireInteger(params, 'frozen_time'),
    livemode: ctx.account.livemode,
    name: readNullableString(params, 'name') ?? null,
    status: 'ready',
    status_details: {},
  });
  ctx.emit('test_helpers.test_clock.created', clock);
  return clock;
}

function advanceClock(ctx: RequestContext, id: string, params: FormParams): TestClock {
  rejectUnknown(params, ['frozen_time']);
  const clock = findTestClock(ctx.account, id, 'test_clock');
  const target = requireInteger(params, 'frozen_time');
  if (clock.status === 'advancing') {
    throw invalidRequest(
      'The test clock is already advancing. Wait until it is ready before advancing it again.',
    );
  }
  if (target <= clock.frozen_time) {
    throw invalidValue(
      'frozen_time',
      "The frozen_time must be later than the test clock's current frozen_time.",
    );
  }
  clock.status = 'advancing';
  clock.status_details = { advancing: { target_frozen_time: target } };
  ctx.emit('test_helpers.test_clock.advancing', clock);
  const { core, account } = ctx;
  // Stripe answers before the clock has moved; the work runs right after this response.
  core.timers.schedule(0, () => {
    runBilling(core, account, (subscription) => (subscription.test_clock === clock.id ? target : undefined));
    clock.frozen_time = target;
    clock.status = 'ready';
    clock.status_details = {};
    core.emit(account, 'test_helpers.test_clock.ready', clock, { id: null, idempotency_key: null });
  });
  return clock;
}

function deleteClock(ctx: RequestContext, id: string): unknown {
  const clock = findTestClock(ctx.account, id, 'test_clock');
  for (const customer of ctx.account.list('customer')) {
    if (customer.test_clock !== clock.id || customer.deleted) continue;
    for (const subscription of ctx.account.list('subscription')) {
      if (subscription.customer === customer.id) ctx.account.objects.delete(subscription.id);
    }
    ctx.account.objects.set(customer.id, {
      id: customer.id,
      object: 'customer',
      deleted: true,
      metadata: {},
      invoice_settings: { default_payment_method: null },
    } satisfies Customer);
  }
  ctx.emit('test_helpers.test_clock.deleted', clock);
  clock.deleted = true;
  return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
}

export const testClockRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/test_helpers/test_clocks',
    family: 'test_clock',
    handle: ({ ctx, params }) => render(ctx.account, createClock(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/test_helpers/test_clocks',
    family: 'test_clock',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS]);
      const list = paginate(
        ctx.account.list('test_helpers.test_clock'),
        params,
        '/v1/test_helpers/test_clocks',
        (clock) => !clock.deleted,
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/test_helpers/test_clocks/:id',
    family: 'test_clock',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, findTestClock(ctx.account, path.id ?? ''), readExpand(params));
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/test_helpers/test_clocks/:id',
    family: 'test_clock',
    handle: ({ ctx, path }) => deleteClock(ctx, path.id ?? ''),
  },
  {
    method: 'POST',
    pattern: '/v1/test_helpers/test_clocks/:id/advance',
    family: 'test_clock',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, advanceClock(ctx, path.id ?? '', params), readExpand(params)),
  },
];
