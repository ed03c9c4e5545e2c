import { NotFoundError } from '@basis/shared';
import type { Pricing } from '../domain/pricing.ts';
import type { PaymentsApiDeps } from '../ports.ts';

export async function putPricing(
  deps: PaymentsApiDeps,
  clinicId: string,
  serviceId: string,
  pricing: Pricing,
): Promise<Pricing> {
  await deps.pricing.put(clinicId, serviceId, pricing);
  return pricing;
}

export async function getPricing(
  deps: PaymentsApiDeps,
  clinicId: string,
  serviceId: string,
): Promise<Pricing> {
  const pricing = await deps.pricing.get(clinicId, serviceId);
  if (!pricing) throw new NotFoundError('pricing_not_found', `No pricing is set for service ${serviceId}.`);
  return pricing;
}
