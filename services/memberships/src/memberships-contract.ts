import {
  idempotencyKeyHeaderSchema,
  jsonContent,
  modes,
  type RouteContracts,
  stripeCallErrors,
} from '@basis/shared';
import * as z from 'zod';
import { planBodySchema } from './domain/plan.ts';
import {
  clientMembershipsSchema,
  membershipPageSchema,
  membershipViewSchema,
  planListSchema,
  planViewSchema,
  signUpAnswerSchema,
} from './memberships-views.ts';
import { cancelBodySchema } from './use-cases/cancel-membership.ts';
import { membershipListQuerySchema } from './use-cases/membership-queries.ts';
import { signUpBodySchema } from './use-cases/sign-up.ts';

const modeOnly = z.strictObject({ mode: z.enum(modes) });
const optionalMode = z.strictObject({ mode: z.enum(modes).optional() });

/** The memberships API's contracts, by routeKey (memberships-routes.ts parses and answers with these schemas). */
export const membershipsContracts: RouteContracts = {
  'PUT /v1/clinics/{clinicId}/membership-plans/{planId}': {
    summary:
      'Create or change a membership plan (a Stripe Product and Price; a new amount makes a new Price)',
    body: planBodySchema,
    responses: { 200: { description: 'The plan.', content: jsonContent(planViewSchema) } },
    errors: [...stripeCallErrors],
  },
  'GET /v1/clinics/{clinicId}/membership-plans': {
    summary: "The clinic's membership plans in a mode",
    query: modeOnly,
    responses: { 200: { description: 'The plans.', content: jsonContent(planListSchema) } },
    errors: [],
  },
  'POST /v1/clinics/{clinicId}/clients/{clientId}/memberships': {
    summary: 'Sign a client up to a plan (a Stripe Subscription; paid at once with a usable saved card)',
    headers: idempotencyKeyHeaderSchema,
    body: signUpBodySchema,
    responses: {
      200: { description: 'A repeat of this sign-up.', content: jsonContent(signUpAnswerSchema) },
      201: { description: 'Signed up.', content: jsonContent(signUpAnswerSchema) },
    },
    errors: [
      'plan_not_found',
      'plan_inactive',
      'membership_exists',
      'payment_method_not_owned',
      ...stripeCallErrors,
    ],
  },
  'GET /v1/clinics/{clinicId}/clients/{clientId}/memberships': {
    summary: "A client's memberships in a mode",
    query: modeOnly,
    responses: { 200: { description: 'The memberships.', content: jsonContent(clientMembershipsSchema) } },
    errors: [],
  },
  'GET /v1/clinics/{clinicId}/memberships': {
    summary: "The clinic's memberships, newest first",
    query: membershipListQuerySchema,
    responses: { 200: { description: 'A page of memberships.', content: jsonContent(membershipPageSchema) } },
    errors: [],
  },
  'GET /v1/clinics/{clinicId}/memberships/{membershipId}': {
    summary: 'A membership',
    query: optionalMode,
    responses: { 200: { description: 'The membership.', content: jsonContent(membershipViewSchema) } },
    errors: ['membership_not_found'],
  },
  'POST /v1/clinics/{clinicId}/memberships/{membershipId}/cancel': {
    summary: 'Cancel a membership now or at the end of its period',
    query: optionalMode,
    body: cancelBodySchema,
    responses: { 200: { description: 'The membership.', content: jsonContent(membershipViewSchema) } },
    errors: ['membership_not_found', ...stripeCallErrors],
  },
};
