import { type Caller, type Mode, modes, NotFoundError, parseInput } from '@basis/shared';
import * as z from 'zod';
import { type MembershipRecord, membershipStatuses, toMembershipView } from '../domain/membership.ts';
import type { MembershipsDeps } from '../ports.ts';
import { assertActsFor } from './sign-up.ts';

export const membershipListQuerySchema = z.strictObject({
  mode: z.enum(modes),
  status: z.enum(membershipStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

/** `GET …/memberships`: the clinic's memberships, newest first (staff, admin). */
export async function listMemberships(
  deps: Pick<MembershipsDeps, 'memberships'>,
  clinicId: string,
  query: unknown,
) {
  const parsed = parseInput(membershipListQuerySchema, query ?? {}, 'query');
  const page = await deps.memberships.list(clinicId, parsed.mode, {
    limit: parsed.limit,
    ...(parsed.status ? { status: parsed.status } : {}),
    ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
  });
  return { data: page.items.map(toMembershipView), nextCursor: page.nextCursor };
}

/** `GET …/clients/{clientId}/memberships?mode=`: one client's memberships, newest first. */
export async function listClientMemberships(
  deps: Pick<MembershipsDeps, 'memberships'>,
  caller: Caller,
  input: { clinicId: string; clientId: string; mode: Mode },
) {
  assertActsFor(caller, input.clientId);
  const records = await deps.memberships.ofClient(input.clinicId, input.mode, input.clientId);
  return { data: records.map(toMembershipView) };
}

/**
 * A membership of the clinic by id, in the mode given or, without one, whichever mode holds it (a Subscription id
 * exists in one mode only). A client sees only their own; anyone else's is as good as absent.
 */
export async function findMembership(
  deps: Pick<MembershipsDeps, 'memberships'>,
  caller: Caller,
  input: { clinicId: string; membershipId: string; mode: Mode | undefined },
): Promise<MembershipRecord> {
  for (const mode of input.mode ? [input.mode] : modes) {
    const record = await deps.memberships.get(input.clinicId, mode, input.membershipId);
    if (record && (caller.role !== 'client' || record.clientId === caller.clientId)) return record;
  }
  throw new NotFoundError('membership_not_found', `No membership ${input.membershipId} in this clinic.`);
}
