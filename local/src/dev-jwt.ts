import type { Role } from '@basis/shared';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Local tokens only. In AWS, API Gateway's JWT authorizer checks tokens of the real OIDC issuer; locally the
 * HTTP server checks tokens signed with this development key, which is public on purpose and grants nothing
 * outside this machine.
 */
const devSigningKey = new TextEncoder().encode('basis-local-development-signing-key-public-by-design');
export const devIssuer = 'https://basis.local/dev-issuer';
export const devAudience = 'basis-local';

export interface DevTokenClaims {
  clinicId: string;
  role: Role;
  clientId?: string;
  subject?: string;
  expiresInSeconds?: number;
}

export async function signDevToken(claims: DevTokenClaims, key: Uint8Array = devSigningKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    clinic_id: claims.clinicId,
    role: claims.role,
    ...(claims.clientId ? { client_id: claims.clientId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject ?? `dev-user-${claims.role}`)
    .setIssuer(devIssuer)
    .setAudience(devAudience)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 12 * 3600))
    .sign(key);
}

/** Verifies like API Gateway's JWT authorizer (signature, issuer, audience, expiry) and returns the claims. */
export async function verifyDevToken(token: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(token, devSigningKey, {
    issuer: devIssuer,
    audience: devAudience,
    algorithms: ['HS256'],
  });
  return payload;
}
