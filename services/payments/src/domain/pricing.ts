import * as z from 'zod';
import { minorUnitLimits, supportedCurrencies } from './currencies.ts';

export const pricingSchema = z
  .strictObject({
    requirePaymentAtBooking: z.boolean(),
    amount: z.number().int().positive(),
    currency: z.string().refine((value) => supportedCurrencies.has(value), {
      message: 'must be a lower-case ISO currency code that Stripe supports',
    }),
  })
  .superRefine((pricing, context) => {
    const limits = minorUnitLimits(pricing.currency);
    if (pricing.amount < limits.minimum || pricing.amount > limits.maximum) {
      context.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `must be between ${limits.minimum} and ${limits.maximum} in ${pricing.currency}'s minor unit`,
      });
    }
  })
  .meta({ id: 'Pricing' });

export type Pricing = z.infer<typeof pricingSchema>;
