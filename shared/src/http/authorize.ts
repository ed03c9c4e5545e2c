import * as z from 'zod';
import { ForbiddenError, UnauthorizedError } from '../errors/errors.ts';
import { findRoute } from '../topology.ts';
import { type Role, roles } from '../vocabulary.ts';
import type { HttpEvent } from './http-event.ts';

const claimsSchema = z.object({
  sub: z.string().min(1),
  clinic_id: z.string().min(1),
  role: z.enum(roles),
  client_id: z.string().min(1).optional(),
});

/** The checked user behind a `/v1` request: who, of which clinic, in which role. */
export interface Caller {
  userId: string;
  clinicId: string;
  role: Role;
  clientId: string | undefined;
}

/**
 * The one authorization check for every `/v1` route. The JWT itself was verified before the handler runs
 * (API Gateway's JWT authorizer in AWS, the local server's check locally); this reads its claims, checks the
 * path's clinic against the token's, and the role against the route's table in the topology.
 */
export function authorize(event: HttpEvent): Caller {
  const parsed = claimsSchema.safeParse(event.requestContext.authorizer?.jwt?.claims);
  if (!parsed.success) throw new UnauthorizedError('The token lacks the claims sub, clinic_id and role.');
  const claims = parsed.data;
  const route = findRoute(event.routeKey);
  if (route?.auth.kind !== 'jwt') throw new ForbiddenError('This route is not open to tokens.');
  const pathClinicId = event.pathParameters?.clinicId;
  if (pathClinicId !== undefined && pathClinicId !== claims.clinic_id) {
    throw new ForbiddenError('The token belongs to another clinic.');
  }
  if (!route.auth.roles.includes(claims.role)) {
    throw new ForbiddenError(`The role ${claims.role} may not do this.`);
  }
  if (claims.role === 'client' && !claims.client_id) {
    throw new UnauthorizedError('A client token must carry client_id.');
  }
  return { userId: claims.sub, clinicId: claims.clinic_id, role: claims.role, clientId: claims.client_id };
}
