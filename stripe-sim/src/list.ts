import { invalidRequest, invalidValue } from './errors.ts';
import type { FormParams } from './form.ts';
import { readInteger, readString } from './params.ts';

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export const PAGINATION_PARAMS = ['limit', 'starting_after', 'ending_before'] as const;

function cursorIndex<T extends { id: string }>(ordered: readonly T[], id: string, param: string): number {
  const index = ordered.findIndex((item) => item.id === id);
  if (index === -1) throw invalidRequest(`No such object: '${id}'`, { param, code: 'resource_missing' });
  return index;
}

/**
 * Stripe's cursor pagination over `ordered` (newest first). Cursors are positions in the whole
 * ordered list, so a cursor stays valid whatever the filter.
 */
export function paginate<T extends { id: string }>(
  ordered: readonly T[],
  params: FormParams,
  url: string,
  keep: (item: T) => boolean = () => true,
): ListObject<T> {
  const limit = readInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidValue('limit', 'Invalid limit: must be between 1 and 100');
  }
  const startingAfter = readString(params, 'starting_after');
  const endingBefore = readString(params, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: starting_after, ending_before.');
  }
  if (endingBefore) {
    const before = ordered.slice(0, cursorIndex(ordered, endingBefore, 'ending_before')).filter(keep);
    const data = before.slice(Math.max(before.length - limit, 0));
    return { object: 'list', data, has_more: before.length > limit, url };
  }
  const start = startingAfter ? cursorIndex(ordered, startingAfter, 'starting_after') + 1 : 0;
  const rest = ordered.slice(start).filter(keep);
  return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
}
