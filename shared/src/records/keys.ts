import type { Mode } from '../topology.ts';

/**
 * Key design of the single table (see docs/architecture.md):
 * - a payment:           pk CLINIC#<clinicId>  sk PAYMENT#<paymentId>
 *   listed by date via   gsi1pk CLINIC#<clinicId>#<mode>#PAYMENTS  gsi1sk <createdAt>#<paymentId>
 */
export const paymentKeys = {
  primary: (clinicId: string, paymentId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PAYMENT#${paymentId}`,
  }),
  byDate: (clinicId: string, mode: Mode, createdAt: string, paymentId: string) => ({
    gsi1pk: `CLINIC#${clinicId}#${mode}#PAYMENTS`,
    gsi1sk: `${createdAt}#${paymentId}`,
  }),
};
