import { LogLevel } from '@aws-lambda-powertools/logger';
import type { Node } from 'constructs';

/** The context keys the app reads (`cdk.json` or `-c key=value`). */
export const contextKeys = {
  jwtIssuer: 'basis:jwtIssuer',
  jwtAudience: 'basis:jwtAudience',
  publicBaseUrl: 'basis:publicBaseUrl',
  clinicSecretPrefix: 'basis:clinicSecretPrefix',
  alarmEmail: 'basis:alarmEmail',
  stage: 'basis:stage',
  allowedOrigins: 'basis:allowedOrigins',
  logLevel: 'basis:logLevel',
} as const;

/** The stage when `basis:stage` is absent or empty. */
export const defaultStage = 'dev';

/** The functions' Powertools log level when `basis:logLevel` is absent or empty: warnings and errors only. */
export const defaultLogLevel = 'WARN';

/** Powertools Logger's levels (what `POWERTOOLS_LOG_LEVEL` accepts), taken from the library itself. */
export type PowertoolsLogLevel = (typeof LogLevel)[keyof typeof LogLevel];
export const powertoolsLogLevels: readonly PowertoolsLogLevel[] = Object.values(LogLevel);

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
  /** The deployment stage (`dev`, `prod`, …): part of every stack name and every resource name we set. */
  stage: string;
  /** Browser origins the `/v1` routes answer CORS for; empty: the API has no CORS configuration. */
  allowedOrigins: readonly string[];
  /** `POWERTOOLS_LOG_LEVEL` of every function. */
  logLevel: PowertoolsLogLevel;
}

/** Characters Secrets Manager allows in a secret name (no `*` or `?`, so a prefix can never widen to `*`). */
const secretNamePrefixPattern = /^[A-Za-z0-9/_+=.@-]+$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Lower-case letters, digits and `-`, 1–20 characters: fits every name it is put into (stacks, queues, functions). */
const stagePattern = /^[a-z0-9-]{1,20}$/;

/**
 * An origin as a browser sends it in `Origin`: http(s) scheme, host and optional port, nothing else (no path,
 * not even `/`, no query, no user info). Comparing with `URL.origin` also rejects upper-case hosts and default
 * ports written out, which a browser never sends and API Gateway would therefore never match.
 */
function isHttpOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** `a, b,,c` → `[a, b, c]`: entries trimmed, empty ones dropped, duplicates kept once. */
function splitList(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return [...new Set(entries)];
}

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
  const stage = readString(read, contextKeys.stage, problems) ?? defaultStage;
  const allowedOrigins = splitList(readString(read, contextKeys.allowedOrigins, problems) ?? '');
  const logLevel = (readString(read, contextKeys.logLevel, problems) ?? defaultLogLevel).toUpperCase();

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
  if (!stagePattern.test(stage)) {
    problems.push(`${contextKeys.stage} must be 1–20 lower-case letters, digits or -, got "${stage}"`);
  }
  for (const origin of allowedOrigins) {
    if (!isHttpOrigin(origin)) {
      problems.push(
        `${contextKeys.allowedOrigins}: "${origin}" is not an origin; write scheme, lower-case host and optional port, e.g. https://app.example.com (no path, no trailing /)`,
      );
    }
  }
  if (!isPowertoolsLogLevel(logLevel)) {
    problems.push(
      `${contextKeys.logLevel} must be one of ${powertoolsLogLevels.join(', ')}, got "${logLevel}"`,
    );
  }

  if (
    problems.length > 0 ||
    !jwtIssuer ||
    !jwtAudience ||
    !clinicSecretPrefix ||
    !isPowertoolsLogLevel(logLevel)
  ) {
    throw new InvalidContextError(
      `Invalid CDK context:\n  - ${problems.join('\n  - ')}\n` +
        'Set them in cdk.json or pass them with -c, e.g. npx cdk deploy -c basis:jwtIssuer=https://… -c basis:jwtAudience=…',
    );
  }
  return {
    jwtIssuer,
    jwtAudience,
    publicBaseUrl,
    clinicSecretPrefix,
    alarmEmail,
    stage,
    allowedOrigins,
    logLevel,
  };
}

function isPowertoolsLogLevel(value: string): value is PowertoolsLogLevel {
  return (powertoolsLogLevels as readonly string[]).includes(value);
}

/** Reads the context of a construct tree (usually the App's node). */
export function readBasisContext(node: Node): BasisContext {
  return parseBasisContext((key) => node.tryGetContext(key));
}
