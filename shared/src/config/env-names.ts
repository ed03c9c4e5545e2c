import type { QueueName } from '../topology.ts';

/**
 * Environment variable names, shared by the CDK stack (which sets them) and the runtime (which reads them),
 * so that the two cannot disagree.
 */
export const envNames = {
  tableName: 'BASIS_TABLE_NAME',
  clinicSecretPrefix: 'BASIS_CLINIC_SECRET_PREFIX',
  secretCacheTtlSeconds: 'BASIS_SECRET_CACHE_TTL_SECONDS',
  /** Only set locally: the Stripe simulator's base URL. Unset in AWS, where the SDK talks to api.stripe.com. */
  stripeApiUrl: 'BASIS_STRIPE_API_URL',
  publicBaseUrl: 'BASIS_PUBLIC_BASE_URL',
  /** Comma-separated browser origins allowed on the `/v1` routes (CORS); empty: none. */
  allowedOrigins: 'BASIS_ALLOWED_ORIGINS',
  /** The deployment stage (`basis:stage`), e.g. to tag logs. */
  stage: 'BASIS_STAGE',
} as const;

export function queueUrlEnvName(queue: QueueName): string {
  return `BASIS_QUEUE_URL_${queue.toUpperCase()}`;
}
