import { createHmac } from 'node:crypto';

/** Stripe's webhook signature: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the endpoint secret>`. */
export function signatureHeader(payload: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac('sha256', secret)
    .update(`${timestampSeconds}.${payload}`, 'utf8')
    .digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}
