import { ConflictError } from '@basis/shared/errors/errors';
import type { ModeSecrets, SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type { Mode } from '@basis/shared/topology';

/** The clinic's Stripe keys for the mode, or 409 `stripe_not_connected`. */
export async function requireConnection(
  secrets: SecretStore,
  clinicId: string,
  mode: Mode,
): Promise<ModeSecrets> {
  const connection = (await secrets.get(clinicId))?.[mode];
  if (!connection) {
    throw new ConflictError('stripe_not_connected', `This clinic has not connected Stripe in ${mode} mode.`);
  }
  return connection;
}
