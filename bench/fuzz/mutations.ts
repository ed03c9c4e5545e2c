import { gzipSync } from 'node:zlib';
import { fixtureEvent, stripeSignatureHeader } from '../support/system.ts';

/**
 * What a fuzzed request may do to the queues: `enqueue` (a valid event: it must be answered 200 and enqueued once),
 * `never` (it must not be enqueued, and must not be answered 200 unless `acknowledge`), or `maybe` (whatever the
 * answer, nothing but a 200 may enqueue it, and only the event that was sent).
 */
export type Expectation = 'enqueue' | 'never' | 'maybe';

export interface FuzzRequest {
  /** The mutation's family and name, for the report. */
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The event id this request carries, when it carries one the bench chose. */
  eventId: string | null;
  expect: Expectation;
  /** A 200 is right for this `never` request (a correctly signed event of a type the system ignores). */
  acknowledge?: boolean;
}

/** A clinic connected in test mode, with the webhook secret its endpoint signs with. */
export interface FuzzClinic {
  clinicId: string;
  webhookSecret: string;
}

const routedFixtures = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'charge.refunded',
  'refund.created',
  'refund.failed',
  'charge.dispute.created',
  'payment_method.attached',
  'setup_intent.succeeded',
  'payout.paid',
] as const;
const fixtures = new Map(routedFixtures.map((type) => [type, JSON.stringify(fixtureEvent(type))]));

// Values that have broken parsers before: empty, huge, negative, non-finite-looking, wrong types, odd unicode.
const strangeValues: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'x'.repeat(5000),
  [],
  {},
  [1, 'a', null],
  { nested: { deeper: { deepest: [] } } },
  true,
  '💳🧾✅',
  '\u202eevil\u202c',
  '\u0000\u0001\u001f',
  'ｆｕｌｌｗｉｄｔｈ',
  'ﷺ𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\u0024{jndi:ldap://x}',
  '__proto__',
];

const topFields = [
  'id',
  'object',
  'type',
  'created',
  'livemode',
  'data',
  'api_version',
  'pending_webhooks',
  'request',
];
const objectFields = [
  'id',
  'object',
  'amount',
  'status',
  'metadata',
  'payment_intent',
  'charge',
  'customer',
  'created',
];

export interface Generator {
  random: () => number;
  clinics: readonly FuzzClinic[];
  nowSeconds: () => number;
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

function baseEvent(g: Generator, eventId: string): Record<string, unknown> {
  const type = pick(g.random, routedFixtures);
  const event = JSON.parse(fixtures.get(type) as string) as Record<string, unknown>;
  event.id = eventId;
  event.created = g.nowSeconds() - 5;
  event.livemode = false;
  return event;
}

function signed(
  g: Generator,
  clinic: FuzzClinic,
  kind: string,
  body: Buffer,
  eventId: string | null,
  expect: Expectation,
  extra: Partial<FuzzRequest> = {},
): FuzzRequest {
  return {
    kind,
    method: 'POST',
    path: `/stripe_webhook_test/${clinic.clinicId}`,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripeSignatureHeader(body, clinic.webhookSecret, g.nowSeconds()),
    },
    body,
    eventId,
    expect,
    ...extra,
  };
}

function bodyMutation(g: Generator, clinic: FuzzClinic, eventId: string): FuzzRequest {
  const event = baseEvent(g, eventId);
  const text = JSON.stringify(event);
  const r = g.random;
  const variants: Array<() => FuzzRequest> = [
    () =>
      signed(
        g,
        clinic,
        'body/truncated',
        Buffer.from(text.slice(0, Math.floor(r() * text.length))),
        eventId,
        'never',
      ),
    () => {
      const bytes = Buffer.alloc(1 + Math.floor(r() * 2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      return signed(g, clinic, 'body/random-bytes', bytes, null, 'never');
    },
    () =>
      signed(
        g,
        clinic,
        'body/not-an-object',
        Buffer.from(pick(r, ['null', '[]', '"evt"', '123', 'true', '{}', '[{}]'])),
        null,
        'never',
      ),
    () =>
      signed(
        g,
        clinic,
        'body/deep-nesting',
        Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`),
        null,
        'never',
      ),
    () => {
      const copy = structuredClone(event);
      delete copy[pick(r, topFields)];
      return signed(g, clinic, 'body/field-missing', Buffer.from(JSON.stringify(copy)), eventId, 'maybe');
    },
    () => {
      const copy = structuredClone(event);
      copy[pick(r, topFields)] = pick(r, strangeValues);
      return signed(g, clinic, 'body/field-strange', Buffer.from(JSON.stringify(copy)), eventId, 'maybe');
    },
    () => {
      const copy = structuredClone(event);
      const object = (copy.data as { object: Record<string, unknown> }).object;
      if (r() < 0.5) delete object[pick(r, objectFields)];
      else object[pick(r, objectFields)] = pick(r, strangeValues);
      return signed(g, clinic, 'body/object-strange', Buffer.from(JSON.stringify(copy)), eventId, 'maybe');
    },
    () => {
      const copy = structuredClone(event);
      copy.livemode = true;
      return signed(
        g,
        clinic,
        'body/livemode-on-test-route',
        Buffer.from(JSON.stringify(copy)),
        eventId,
        'never',
      );
    },
    () => {
      const copy = structuredClone(event);
      copy.type = pick(r, [
        'customer.updated',
        'invoice.created',
        'balance.available',
        'x',
        'payment_intent',
        'PAYMENT_INTENT.SUCCEEDED',
      ]);
      return signed(g, clinic, 'body/ignored-type', Buffer.from(JSON.stringify(copy)), eventId, 'never', {
        acknowledge: true,
      });
    },
    () => {
      // Escapes that are valid JSON but odd strings: a lone surrogate, NUL, BOM inside strings; a BOM before the body.
      const odd = text.replace(
        '"object":"event"',
        '"object":"event","note":"\\ud800\\u0000\\ufeff\u{1F4B3}"',
      );
      return r() < 0.5
        ? signed(g, clinic, 'body/unicode-escapes', Buffer.from(odd), eventId, 'maybe')
        : signed(g, clinic, 'body/bom-prefix', Buffer.from(`\ufeff${text}`), eventId, 'maybe');
    },
    () => {
      const polluted = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}},${text.slice(1)}`;
      return signed(g, clinic, 'body/prototype-keys', Buffer.from(polluted), eventId, 'maybe');
    },
    () => {
      // Duplicate keys: JSON.parse keeps the last; a signed body's meaning must not depend on the parser.
      const doubled = `{"type":"customer.updated",${text.slice(1)}`;
      return signed(g, clinic, 'body/duplicate-keys', Buffer.from(doubled), eventId, 'maybe');
    },
    () => {
      const copy = structuredClone(event);
      copy.id = pick(r, ['', 'evt_', 'x'.repeat(300), 'evt_\u0000', 'evt_💳', 'evt/../x']);
      return signed(g, clinic, 'body/strange-id', Buffer.from(JSON.stringify(copy)), null, 'maybe');
    },
  ];
  return pick(r, variants)();
}

function signatureMutation(g: Generator, clinic: FuzzClinic, eventId: string): FuzzRequest {
  const r = g.random;
  const body = Buffer.from(JSON.stringify(baseEvent(g, eventId)));
  const now = g.nowSeconds();
  const good = stripeSignatureHeader(body, clinic.webhookSecret, now);
  const v1 = good.split('v1=')[1] as string;
  const flipped = `${v1.slice(0, 10)}${v1[10] === 'a' ? 'b' : 'a'}${v1.slice(11)}`;
  const base = signed(g, clinic, '', body, eventId, 'never');
  const variants: Array<[string, string | string[] | undefined, Expectation]> = [
    ['missing', undefined, 'never'],
    ['empty', '', 'never'],
    ['garbage', 'not a signature', 'never'],
    ['wrong-secret', stripeSignatureHeader(body, 'whsec_not_this_one', now), 'never'],
    ['tampered-v1', `t=${now},v1=${flipped}`, 'never'],
    ['too-old', stripeSignatureHeader(body, clinic.webhookSecret, now - 400), 'never'],
    ['from-the-future', stripeSignatureHeader(body, clinic.webhookSecret, now + 400), 'never'],
    ['t-not-a-number', `t=abc,v1=${v1}`, 'never'],
    ['no-t', `v1=${v1}`, 'never'],
    ['no-v1', `t=${now}`, 'never'],
    ['v0-only', `t=${now},v0=${v1}`, 'never'],
    ['uppercase-hex', `t=${now},v1=${v1.toUpperCase()}`, 'maybe'],
    ['spaces', `t=${now}, v1=${v1}`, 'maybe'],
    ['short-v1', `t=${now},v1=${v1.slice(0, 32)}`, 'never'],
    ['huge-header', `t=${now},${'v1=00,'.repeat(2000)}v1=${flipped}`, 'never'],
    ['latin1-junk', `t=${now},v1=${v1}\u00e9\u00ff`, 'maybe'],
    // Stripe sends several v1 signatures while a secret rolls: one that matches is enough.
    ['valid-among-several', `t=${now},v1=${flipped},v1=${v1}`, 'enqueue'],
    ['two-headers', [good, `t=${now},v1=${flipped}`], 'maybe'],
  ];
  const [name, header, expect] = pick(r, variants);
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  if (header !== undefined) headers['stripe-signature'] = header;
  return { ...base, kind: `signature/${name}`, headers, expect };
}

function alteredAfterSigning(g: Generator, clinic: FuzzClinic, eventId: string): FuzzRequest {
  const r = g.random;
  const text = JSON.stringify(baseEvent(g, eventId));
  const header = stripeSignatureHeader(Buffer.from(text), clinic.webhookSecret, g.nowSeconds());
  const variants: Array<[string, string]> = [
    ['byte-flipped', text.replace('"livemode":false', '"livemode":false ')],
    ['trailing-newline', `${text}\n`],
    ['reformatted', JSON.stringify(JSON.parse(text), null, 2)],
    ['amount-changed', text.replace(/"amount":(\d+)/, '"amount":1$1')],
  ];
  const [name, altered] = pick(r, variants);
  // A fixture without the field a variant changes would go out unchanged: then change its last byte's spacing.
  const sent = altered === text ? `${text.slice(0, -1)} }` : altered;
  return {
    kind: `altered/${name}`,
    method: 'POST',
    path: `/stripe_webhook_test/${clinic.clinicId}`,
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: Buffer.from(sent),
    eventId,
    expect: 'never',
  };
}

function encodingMutation(g: Generator, clinic: FuzzClinic, eventId: string): FuzzRequest {
  const r = g.random;
  const text = JSON.stringify(baseEvent(g, eventId));
  const utf8 = Buffer.from(text);
  const variants: Array<() => FuzzRequest> = [
    // Text and binary content types reach the function as text and as base64 (isBase64Encoded): same bytes.
    () => {
      const type = pick(r, [
        'text/plain',
        'application/octet-stream',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'image/png',
      ]);
      return {
        ...signed(g, clinic, `encoding/content-type ${type}`, utf8, eventId, 'enqueue'),
        headers: {
          'content-type': type,
          'stripe-signature': stripeSignatureHeader(utf8, clinic.webhookSecret, g.nowSeconds()),
        },
      };
    },
    () => {
      const request = signed(g, clinic, 'encoding/no-content-type', utf8, eventId, 'maybe');
      delete request.headers['content-type'];
      return request;
    },
    () => signed(g, clinic, 'encoding/utf-16le', Buffer.from(text, 'utf16le'), null, 'never'),
    () => {
      const request = signed(g, clinic, 'encoding/gzip', gzipSync(utf8), null, 'never');
      request.headers['content-encoding'] = 'gzip';
      return request;
    },
    () => signed(g, clinic, 'encoding/base64-text', Buffer.from(utf8.toString('base64')), null, 'never'),
    () => {
      // Invalid UTF-8 inside a string, signed over the raw bytes.
      const bytes = Buffer.concat([
        Buffer.from(text.slice(0, -1)),
        Buffer.from(',"x":"'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}'),
      ]);
      const type = pick(r, ['application/json', 'application/octet-stream']);
      const request = signed(g, clinic, `encoding/invalid-utf8 ${type}`, bytes, eventId, 'maybe');
      request.headers['content-type'] = type;
      return request;
    },
  ];
  return pick(r, variants)();
}

function pathMutation(g: Generator, clinic: FuzzClinic, eventId: string): FuzzRequest {
  const r = g.random;
  const request = signed(g, clinic, '', Buffer.from(JSON.stringify(baseEvent(g, eventId))), eventId, 'never');
  const id = clinic.clinicId;
  const variants: Array<[string, string, string, Expectation]> = [
    ['unknown-clinic', 'POST', '/stripe_webhook_test/clinic_nobody_here', 'never'],
    ['live-route', 'POST', `/stripe_webhook/${id}`, 'never'],
    ['dot-dot', 'POST', `/stripe_webhook_test/..%2F${id}`, 'never'],
    ['encoded-slash', 'POST', `/stripe_webhook_test/${id}%2Fx`, 'never'],
    ['unicode-id', 'POST', '/stripe_webhook_test/%F0%9F%92%B3', 'never'],
    ['long-id', 'POST', `/stripe_webhook_test/${'c'.repeat(65)}`, 'never'],
    ['very-long-path', 'POST', `/stripe_webhook_test/${'c'.repeat(6000)}`, 'never'],
    ['empty-id', 'POST', '/stripe_webhook_test/', 'never'],
    ['extra-segment', 'POST', `/stripe_webhook_test/${id}/extra`, 'never'],
    ['double-slash', 'POST', `//stripe_webhook_test/${id}`, 'never'],
    ['upper-case', 'POST', `/STRIPE_WEBHOOK_TEST/${id}`, 'never'],
    ['query-string', 'POST', `/stripe_webhook_test/${id}?a=1&b=%ZZ`, 'maybe'],
    ['trailing-slash', 'POST', `/stripe_webhook_test/${id}/`, 'maybe'],
    ['get', 'GET', `/stripe_webhook_test/${id}`, 'never'],
    ['put', 'PUT', `/stripe_webhook_test/${id}`, 'never'],
    ['delete', 'DELETE', `/stripe_webhook_test/${id}`, 'never'],
    ['patch', 'PATCH', `/stripe_webhook_test/${id}`, 'never'],
    ['options', 'OPTIONS', `/stripe_webhook_test/${id}`, 'never'],
  ];
  const [name, method, path, expect] = pick(r, variants);
  return { ...request, kind: `path/${name}`, method, path, expect };
}

function sizeMutation(g: Generator, clinic: FuzzClinic, eventId: string): FuzzRequest {
  const r = g.random;
  const event = baseEvent(g, eventId);
  const roll = r();
  if (roll < 0.3) return signed(g, clinic, 'size/empty', Buffer.alloc(0), null, 'never');
  if (roll < 0.6) {
    // Just under ingest's 256 KiB limit: a valid event, accepted.
    (event.data as { object: Record<string, unknown> }).object.description = 'd'.repeat(250_000);
    return signed(g, clinic, 'size/just-under-limit', Buffer.from(JSON.stringify(event)), eventId, 'enqueue');
  }
  if (roll < 0.995) {
    (event.data as { object: Record<string, unknown> }).object.description = 'd'.repeat(270_000);
    return signed(g, clinic, 'size/over-limit', Buffer.from(JSON.stringify(event)), eventId, 'never');
  }
  // Past API Gateway's own 10 MB limit.
  return signed(g, clinic, 'size/over-10mb', Buffer.alloc(10 * 1024 * 1024 + 10, 0x20), null, 'never');
}

/**
 * The i-th fuzzed request: a valid event now and then (the control group), otherwise a mutation of bodies,
 * signatures, bytes after signing, encodings, paths and methods, or sizes. Every event id is unique (`evt_fz<i>`).
 */
export function fuzzRequest(g: Generator, index: number): FuzzRequest {
  const clinic = pick(g.random, g.clinics);
  const eventId = `evt_fz${index}`;
  const roll = g.random();
  if (roll < 0.08) {
    return signed(g, clinic, 'valid', Buffer.from(JSON.stringify(baseEvent(g, eventId))), eventId, 'enqueue');
  }
  if (roll < 0.43) return bodyMutation(g, clinic, eventId);
  if (roll < 0.66) return signatureMutation(g, clinic, eventId);
  if (roll < 0.73) return alteredAfterSigning(g, clinic, eventId);
  if (roll < 0.85) return encodingMutation(g, clinic, eventId);
  if (roll < 0.97) return pathMutation(g, clinic, eventId);
  return sizeMutation(g, clinic, eventId);
}
