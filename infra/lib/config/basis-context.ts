import type { Node } from 'constructs';

/** The context keys the app reads (`cdk.json` or `-c key=value`). */
export const contextKeys = {
  jwtIssuer: 'basis:jwtIssuer',
  jwtAudience: 'basis:jwtAudience',
  publicBaseUrl: 'basis:publicBaseUrl',
  clinicSecretPrefix: 'basis:clinicSecretPrefix',
  alarmEmail: 'basis:alarmEmail',
} as const;

export interface BasisContext {
  /** The `iss` every API JWT must carry (an https URL that serves OpenID discovery). */
  jwtIssuer: string;
  /** The `aud` every API JWT must carry. */
  jwtAudience: string;
  /** The public base URL Stripe webhooks reach (custom domain); absent when not configured. */
  publicBaseUrl: string | undefined;
  /** Name prefix of the per-clinic Secrets Manager secrets; IAM is limited to it. */
  clinicSecretPrefix: string;
  /** Email subscribed to the alarm topic; absent when not configured. */
  alarmEmail: string | undefined;
}

/** Characters Secrets Manager allows in a secret name (no `*` or `?`, so a prefix can never widen to `*`). */
const secretNamePrefixPattern = /^[A-Za-z0-9/_+=.@-]+$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Thrown when the context is missing or malformed; its message lists every problem. */
export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
}

type Reader = (key: string) => unknown;

function readString(read: Reader, key: string, problems: string[]): string | undefined {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${key} must be a string, got ${typeof value}`);
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Reads and validates the app's context. Throws one error that lists every problem, so that a deploy
 * with missing settings fails before anything is synthesized.
 */
export function parseBasisContext(read: Reader): BasisContext {
  const problems: string[] = [];
  const jwtIssuer = readString(read, contextKeys.jwtIssuer, problems);
  const jwtAudience = readString(read, contextKeys.jwtAudience, problems);
  const publicBaseUrl = readString(read, contextKeys.publicBaseUrl, problems);
  const clinicSecretPrefix = readString(read, contextKeys.clinicSecretPrefix, problems);
  const alarmEmail = readString(read, contextKeys.alarmEmail, problems);

  if (jwtIssuer === undefined) problems.push(`${contextKeys.jwtIssuer} is required`);
  else if (!isHttpsUrl(jwtIssuer)) problems.push(`${contextKeys.jwtIssuer} must be an https URL`);
  if (jwtAudience === undefined) problems.push(`${contextKeys.jwtAudience} is required`);
  if (publicBaseUrl !== undefined && !isHttpsUrl(publicBaseUrl)) {
    problems.push(`${contextKeys.publicBaseUrl} must be empty or an https URL`);
  }
  if (clinicSecretPrefix === undefined) problems.push(`${contextKeys.clinicSecretPrefix} is required`);
  else if (!secretNamePrefixPattern.test(clinicSecretPrefix)) {
    problems.push(`${contextKeys.clinicSecretPrefix} may only contain letters, digits and /_+=.@-`);
  }
  if (alarmEmail !== undefined && !emailPattern.test(alarmEmail)) {
    problems.push(`${contextKeys.alarmEmail} must be an email address`);
  }

  if (problems.length > 0 || !jwtIssuer || !jwtAudience || !clinicSecretPrefix) {
    throw new InvalidContextError(
      `Invalid CDK context:\n  - ${problems.join('\n  - ')}\n` +
        'Set them in cdk.json or pass them with -c, e.g. npx cdk deploy -c basis:jwtIssuer=https://… -c basis:jwtAudience=…',
    );
  }
  return { jwtIssuer, jwtAudience, publicBaseUrl, clinicSecretPrefix, alarmEmail };
}

/** Reads the context of a construct tree (usually the App's node). */
export function readBasisContext(node: Node): BasisContext {
  return parseBasisContext((key) => node.tryGetContext(key));
}
