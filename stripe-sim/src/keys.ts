import { authenticationFailed, permissionDenied } from './errors.ts';
import { derivedToken } from './ids.ts';

/**
 * API keys: every well-formed `sk_`/`rk_` key is an account of its own. The account id is derived
 * from the key's suffix, so `sk_test_X`, `rk_test_X`, `pk_test_X` and `sk_live_X` share one account
 * (test and live data stay apart, as they do on Stripe).
 */
export type Mode = 'test' | 'live';
export type KeyKind = 'secret' | 'restricted' | 'publishable';

export interface ParsedKey {
  key: string;
  kind: KeyKind;
  mode: Mode;
  suffix: string;
  accountId: string;
}

const KEY_PATTERN = /^(sk|rk|pk)_(test|live)_([A-Za-z0-9_]+)$/;
const KINDS: Record<string, KeyKind> = { sk: 'secret', rk: 'restricted', pk: 'publishable' };

export function accountIdForSuffix(suffix: string): string {
  return `acct_1${derivedToken(`basis-stripe-sim:${suffix}`, 15)}`;
}

export function parseKey(key: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, prefix = '', mode = '', suffix = ''] = match;
  const kind = KINDS[prefix];
  if (!kind) return undefined;
  return { key, kind, mode: mode as Mode, suffix, accountId: accountIdForSuffix(suffix) };
}

/** Stripe masks keys in messages: prefix, stars, last four. */
export function maskKey(key: string): string {
  const prefixLength = key.startsWith('sk_') || key.startsWith('rk_') || key.startsWith('pk_') ? 8 : 0;
  const hidden = Math.max(key.length - prefixLength - 4, 0);
  return `${key.slice(0, prefixLength)}${'*'.repeat(hidden)}${key.slice(-4)}`;
}

/** The key from `Authorization: Bearer <key>` or HTTP basic auth with the key as user name. */
export function readKeyFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value || undefined;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0];
    return user || undefined;
  }
  return undefined;
}

export const NO_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

/** Resolves the request's key, or throws Stripe's 401. Revoked keys are refused unless `allowRevoked`. */
export function authenticate(
  header: string | undefined,
  revoked: ReadonlySet<string>,
  allowRevoked = false,
): ParsedKey {
  const key = readKeyFromAuthorization(header);
  if (!key) throw authenticationFailed(NO_KEY_MESSAGE);
  const parsed = parseKey(key);
  if (!parsed) throw authenticationFailed(`Invalid API Key provided: ${maskKey(key)}`);
  if (revoked.has(key) && !allowRevoked) {
    throw authenticationFailed(`Expired API Key provided: ${maskKey(key)}`, 'api_key_expired');
  }
  return parsed;
}

/** Permission families of restricted keys; `rak_<family>_<read|write>` in Stripe's messages. */
export const PERMISSION_FAMILIES = [
  'account',
  'balance',
  'charge',
  'customer',
  'dispute',
  'event',
  'payment_intent',
  'payment_method',
  'payout',
  'setup_intent',
  'webhook',
  // Billing. Prices are `rak_plan_*` on Stripe (the Dashboard says "Prices", the key says "plan");
  // InvoicePayments fall under `invoice`. `test_clock` is the simulator's name: Stripe's is not documented.
  'product',
  'plan',
  'subscription',
  'invoice',
  'test_clock',
] as const;
export type PermissionFamily = (typeof PERMISSION_FAMILIES)[number];
export type PermissionLevel = 'none' | 'read' | 'write';
export type Permissions = Partial<Record<PermissionFamily, PermissionLevel>>;

export function isPermissionFamily(value: string): value is PermissionFamily {
  return (PERMISSION_FAMILIES as readonly string[]).includes(value);
}

/** Throws Stripe's 403 when a restricted key's permissions do not cover the call. No entry = all permissions. */
export function checkPermission(
  parsed: ParsedKey,
  permissions: Permissions | undefined,
  family: PermissionFamily,
  needs: 'read' | 'write',
): void {
  if (parsed.kind !== 'restricted' || !permissions) return;
  const level = permissions[family] ?? 'none';
  if (level === 'write' || (level === 'read' && needs === 'read')) return;
  throw permissionDenied(
    `The provided key '${maskKey(parsed.key)}' does not have the required permissions for this endpoint on account '${parsed.accountId}'. Having the 'rak_${family}_${needs}' permission would allow this request to continue.`,
  );
}
