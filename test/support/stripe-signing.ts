import { createHmac } from 'node:crypto';

/** Signs a payload as Stripe does: `t=<unix>,v1=<HMAC-SHA256 of "t.payload">`. Written here, for tests only. */
export function stripeSignatureHeader(payload: string | Buffer, secret: string, timestamp: number): string {
  const signed = Buffer.concat([
    Buffer.from(`${timestamp}.`),
    Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
  ]);
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}
