import { modes } from '@basis/shared';
import * as z from 'zod';
import { membershipStatuses } from './domain/membership.ts';
import { planIntervals } from './domain/plan.ts';

const isoInstant = z.iso.datetime();
const failure = z.object({ code: z.string(), message: z.string() }).nullable();

/** A membership plan as the API shows it (docs/api.md, "Memberships"). */
export const planViewSchema = z
  .object({
    planId: z.string(),
    mode: z.enum(modes),
    amount: z.number().int().meta({ description: 'Per interval, in the minor unit.' }),
    currency: z.string(),
    interval: z.enum(planIntervals),
    intervalCount: z.number().int(),
    active: z.boolean(),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .meta({ id: 'MembershipPlan' });

/** A membership (a client's Stripe Subscription to a plan) as the API shows it. */
export const membershipViewSchema = z
  .object({
    membershipId: z.string().meta({ example: 'sub_…' }),
    mode: z.enum(modes),
    clientId: z.string(),
    planId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    interval: z.enum(planIntervals),
    intervalCount: z.number().int(),
    status: z.enum(membershipStatuses),
    cancelAtPeriodEnd: z.boolean(),
    currentPeriodStart: isoInstant.nullable(),
    currentPeriodEnd: isoInstant.nullable(),
    canceledAt: isoInstant.nullable(),
    latestInvoice: z
      .object({
        invoiceId: z.string(),
        status: z.string(),
        amountDue: z.number().int(),
        amountPaid: z.number().int(),
        paymentId: z.string().nullable(),
        failure,
      })
      .nullable(),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .meta({ id: 'Membership' });

/** The answer of a sign-up: the membership, and the first invoice's payment secret when the client must confirm. */
export const signUpAnswerSchema = z
  .object({
    membershipId: z.string(),
    status: z.enum(membershipStatuses),
    clientSecret: z
      .string()
      .nullable()
      .meta({ description: "The first invoice's payment secret, for Stripe.js." }),
    publishableKey: z.string(),
  })
  .meta({ id: 'MembershipSignUp' });

export const planListSchema = z.object({ data: z.array(planViewSchema) }).meta({ id: 'MembershipPlanList' });
export const clientMembershipsSchema = z
  .object({ data: z.array(membershipViewSchema) })
  .meta({ id: 'ClientMemberships' });
export const membershipPageSchema = z
  .object({ data: z.array(membershipViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'MembershipPage' });
