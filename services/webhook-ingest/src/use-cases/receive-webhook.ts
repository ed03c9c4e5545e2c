import {
  activeWebhookSecrets,
  BasisError,
  type ClinicSecrets,
  type ErrorCode,
  type EventQueue,
  type Mode,
  type ModeSecrets,
  NotFoundError,
  opaqueIdPattern,
  queueForEventType,
  type SecretStore,
  type StripeEvent,
  type StripeEventEnvelope,
  stripeEventEnvelopeSchema,
  stripeEventSchema,
  webhookLimits,
} from '@basis/shared';
import type * as z from 'zod/mini';
import { verifyStripeSignature } from '../domain/stripe-signature.ts';
import { enqueueEvent } from './enqueue-event.ts';

export interface ReceiveWebhookDeps {
  /** With `refresh` (the cached store), secrets just connected or rolled are picked up at once. */
  secrets: SecretStore & { refresh?(clinicId: string): Promise<ClinicSecrets | undefined> };
  queue: EventQueue;
  now: () => Date;
}

export interface WebhookDelivery {
  clinicId: string;
  mode: Mode;
  rawBody: Buffer;
  signatureHeader: string | undefined;
}

export type WebhookReceipt =
  | { outcome: 'enqueued'; event: StripeEvent; queue: string }
  | { outcome: 'ignored'; event: StripeEventEnvelope };

/** A delivery refused before anything is enqueued: 400 with the reason's code. */
class WebhookRejectedError extends BasisError {
  constructor(
    code: Extract<
      ErrorCode,
      'malformed_event' | 'invalid_signature' | 'timestamp_outside_tolerance' | 'livemode_mismatch'
    >,
    message: string,
  ) {
    super(code, message);
  }
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookRejectedError('malformed_event', 'The body is not JSON.');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields of a Stripe event the envelope schemas check, picked out of the body. The schemas are loose (they keep
 * every other field), so checking the whole body would copy all of it, `data.object`'s dozens of fields included:
 * that copy was a third of ingest's CPU per event. Checking this small part answers the same (a missing or mistyped
 * field is missing or mistyped here too, at the same path).
 */
function checkedPartOf(json: unknown): unknown {
  if (!isRecord(json)) return json;
  const { id, object, type, created, livemode, api_version: apiVersion, data } = json;
  let checkedData: unknown = data;
  if (isRecord(data)) {
    const dataObject = data.object;
    checkedData = {
      object: isRecord(dataObject) ? { id: dataObject.id, object: dataObject.object } : dataObject,
      ...('previous_attributes' in data ? { previous_attributes: data.previous_attributes } : {}),
    };
  }
  return { id, object, type, created, livemode, api_version: apiVersion, data: checkedData };
}

/**
 * Checks a parsed body against an envelope schema; a mismatch is 400 `malformed_event` naming the first field. The
 * body itself, every field kept, is what passes on.
 */
function parseAs<T>(schema: z.ZodMiniType<T>, json: unknown): T {
  const parsed = schema.safeParse(checkedPartOf(json));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'body';
    throw new WebhookRejectedError('malformed_event', `The body is not a Stripe event (${field}).`);
  }
  return json as T;
}

/**
 * The whole of webhook ingest, and no more: size, clinic, signature, shape, livemode, route, enqueue.
 * Every rejection is a 4xx with nothing enqueued; a failed enqueue propagates so that the caller answers 5xx
 * and Stripe retries.
 */
export async function receiveWebhook(
  deps: ReceiveWebhookDeps,
  delivery: WebhookDelivery,
): Promise<WebhookReceipt> {
  if (delivery.rawBody.byteLength > webhookLimits.maxBodyBytes) {
    throw new BasisError('payload_too_large', `The body exceeds ${webhookLimits.maxBodyBytes} bytes.`);
  }
  if (!opaqueIdPattern.test(delivery.clinicId)) {
    // Not a clinic id at all: never looked up, so it cannot address a secret name it should not.
    throw new NotFoundError('clinic_not_connected', 'No such clinic.');
  }
  const now = deps.now();
  const verify = (modeSecrets: ModeSecrets | undefined) =>
    modeSecrets
      ? verifyStripeSignature({
          rawBody: delivery.rawBody,
          header: delivery.signatureHeader,
          secrets: activeWebhookSecrets(modeSecrets, now),
          nowSeconds: Math.floor(now.getTime() / 1000),
          toleranceSeconds: webhookLimits.signatureToleranceSeconds,
        })
      : undefined;
  let check = verify((await deps.secrets.get(delivery.clinicId))?.[delivery.mode]);
  if ((!check || (!check.ok && check.code === 'invalid_signature')) && deps.secrets.refresh) {
    // The cached secrets may predate a connect or a secret roll: read them again (throttled) before refusing.
    check = verify((await deps.secrets.refresh(delivery.clinicId))?.[delivery.mode]);
  }
  if (!check) {
    throw new NotFoundError(
      'clinic_not_connected',
      `This clinic has no Stripe ${delivery.mode}-mode connection.`,
    );
  }
  if (!check.ok) throw new WebhookRejectedError(check.code, check.message);

  const json = parseJson(delivery.rawBody);
  const envelope = parseAs(stripeEventEnvelopeSchema, json);
  if (envelope.livemode !== (delivery.mode === 'live')) {
    throw new WebhookRejectedError(
      'livemode_mismatch',
      `A ${envelope.livemode ? 'live' : 'test'}-mode event was sent to the ${delivery.mode}-mode endpoint.`,
    );
  }
  // Only what a worker will read must have the shape it reads; any other type is acknowledged whatever its object.
  if (!queueForEventType(envelope.type)) return { outcome: 'ignored', event: envelope };
  const event = parseAs(stripeEventSchema, json);
  const queue = await enqueueEvent(deps.queue, {
    clinicId: delivery.clinicId,
    mode: delivery.mode,
    event,
    receivedAt: now,
  });
  return queue ? { outcome: 'enqueued', event, queue } : { outcome: 'ignored', event };
}
