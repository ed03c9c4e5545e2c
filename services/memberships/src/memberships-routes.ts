import {
  idempotencyKeyHeader,
  type JwtRoute,
  jsonResponse,
  modes,
  parseJsonBody,
  parseQuery,
  pathParameter,
} from '@basis/shared';
import * as z from 'zod';
import { toMembershipView } from './domain/membership.ts';
import { planBodySchema } from './domain/plan.ts';
import type { MembershipsDeps } from './ports.ts';
import { cancelBodySchema, cancelMembership } from './use-cases/cancel-membership.ts';
import { findMembership, listClientMemberships, listMemberships } from './use-cases/membership-queries.ts';
import { listPlans, putPlan } from './use-cases/plans.ts';
import { signUp, signUpBodySchema } from './use-cases/sign-up.ts';

type Route = JwtRoute<MembershipsDeps>;

const modeOnly = z.strictObject({ mode: z.enum(modes) });
const optionalMode = z.strictObject({ mode: z.enum(modes).optional() });

/** The memberships API's routes, by API Gateway routeKey: each parses its input, calls one use case, answers. */
export const membershipsRoutes: Readonly<Record<string, Route>> = {
  'PUT /v1/clinics/{clinicId}/membership-plans/{planId}': async (deps, { event, caller }) => {
    const body = parseJsonBody(event, planBodySchema);
    return jsonResponse(
      200,
      await putPlan(deps, { clinicId: caller.clinicId, planId: pathParameter(event, 'planId'), body }),
    );
  },
  'GET /v1/clinics/{clinicId}/membership-plans': async (deps, { event, caller }) =>
    jsonResponse(200, await listPlans(deps, caller.clinicId, parseQuery(event, modeOnly).mode)),
  'POST /v1/clinics/{clinicId}/clients/{clientId}/memberships': async (deps, { event, caller }) => {
    const body = parseJsonBody(event, signUpBodySchema);
    const result = await signUp(deps, caller, {
      clinicId: caller.clinicId,
      clientId: pathParameter(event, 'clientId'),
      body,
      requestKey: idempotencyKeyHeader(event),
    });
    return jsonResponse(result.created ? 201 : 200, result.membership);
  },
  'GET /v1/clinics/{clinicId}/clients/{clientId}/memberships': async (deps, { event, caller }) =>
    jsonResponse(
      200,
      await listClientMemberships(deps, caller, {
        clinicId: caller.clinicId,
        clientId: pathParameter(event, 'clientId'),
        mode: parseQuery(event, modeOnly).mode,
      }),
    ),
  'GET /v1/clinics/{clinicId}/memberships': async (deps, { event, caller }) =>
    jsonResponse(200, await listMemberships(deps, caller.clinicId, event.queryStringParameters)),
  'GET /v1/clinics/{clinicId}/memberships/{membershipId}': async (deps, { event, caller }) => {
    const record = await findMembership(deps, caller, {
      clinicId: caller.clinicId,
      membershipId: pathParameter(event, 'membershipId'),
      mode: parseQuery(event, optionalMode).mode,
    });
    return jsonResponse(200, toMembershipView(record));
  },
  'POST /v1/clinics/{clinicId}/memberships/{membershipId}/cancel': async (deps, { event, caller }) => {
    const { atPeriodEnd } = parseJsonBody(event, cancelBodySchema);
    return jsonResponse(
      200,
      await cancelMembership(deps, caller, {
        clinicId: caller.clinicId,
        membershipId: pathParameter(event, 'membershipId'),
        mode: parseQuery(event, optionalMode).mode,
        atPeriodEnd,
      }),
    );
  },
};
