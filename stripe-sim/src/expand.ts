import { invalidRequest } from './errors.ts';
import type { AccountState } from './store.ts';

/**
 * `expand[]=latest_charge`, `expand[]=data.payment_method`, `expand[]=latest_charge.balance_transaction`:
 * a field holding an id is replaced by that object. Special cases that are lists or absent by
 * default (a charge's `refunds`) are supplied by `extras`.
 */
export type ExpandExtras = (account: AccountState, object: Record<string, unknown>, field: string) => unknown;

const MAX_DEPTH = 4;

function expandPath(
  account: AccountState,
  target: Record<string, unknown>,
  parts: readonly string[],
  path: string,
  extras: ExpandExtras | undefined,
): void {
  const [field, ...rest] = parts;
  if (field === undefined) return;
  const current = target[field];
  if (Array.isArray(current)) {
    for (const item of current) {
      if (item && typeof item === 'object') {
        expandPath(account, item as Record<string, unknown>, rest, path, extras);
      }
    }
    return;
  }
  let value = current;
  if (typeof value === 'string') {
    const found = account.objects.get(value);
    if (found) value = structuredClone(found);
  } else if (value === undefined && extras) {
    value = extras(account, target, field);
  }
  if (value === undefined) {
    throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
  }
  target[field] = value;
  if (rest.length > 0 && value && typeof value === 'object') {
    expandPath(account, value as Record<string, unknown>, rest, path, extras);
  }
}

export function expandFields<T>(
  account: AccountState,
  rendered: T,
  paths: readonly string[],
  extras?: ExpandExtras,
): T {
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`, {
        param: 'expand',
      });
    }
    expandPath(account, rendered as Record<string, unknown>, parts, path, extras);
  }
  return rendered;
}

/** A deep copy of a stored object with the request's `expand[]` applied. */
export function render<T>(
  account: AccountState,
  object: T,
  expand: readonly string[],
  extras?: ExpandExtras,
): T {
  return expandFields(account, structuredClone(object), expand, extras);
}
