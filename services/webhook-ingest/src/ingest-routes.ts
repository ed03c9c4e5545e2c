import {
  BasisError,
  findRoute,
  jsonResponse,
  type Logger,
  type Metrics,
  metricNames,
  NotFoundError,
  type PublicRoute,
} from '@basis/shared';
import type { SignatureFailureCounter } from './use-cases/count-signature-failures.ts';
import { type ReceiveWebhookDeps, receiveWebhook } from './use-cases/receive-webhook.ts';

export interface IngestDeps extends ReceiveWebhookDeps {
  logger: Logger;
  metrics: Metrics;
  /** Refused signatures per clinic and mode, for connection health (bounded writes). */
  signatureFailures: SignatureFailureCounter;
}

/**
 * `POST /stripe_webhook/{clinicId}` (live) and `POST /stripe_webhook_test/{clinicId}` (test). Every refusal is a
 * 4xx with nothing enqueued; a verified event that cannot be enqueued is answered 503 so that Stripe retries. Each
 * outcome is counted, so an alarm sees refused signatures and failed enqueues.
 */
const receiveStripeWebhook: PublicRoute<IngestDeps> = async (deps, { event }) => {
  const route = findRoute(event.routeKey);
  if (route?.auth.kind !== 'stripe-signature') throw new NotFoundError('not_found', 'No such route.');
  const mode = route.auth.mode;
  // Checked by ingest itself: a malformed clinic id is answered 404 clinic_not_connected, as Stripe expects.
  const clinicId = event.pathParameters?.clinicId ?? '';
  // The raw bytes, before anything parses them: the signature covers them exactly.
  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  try {
    const receipt = await receiveWebhook(deps, {
      clinicId,
      mode,
      rawBody,
      signatureHeader: event.headers['stripe-signature'],
    });
    deps.metrics.count(
      receipt.outcome === 'enqueued' ? metricNames.webhookAccepted : metricNames.webhookIgnored,
      { mode },
      { clinicId },
    );
    deps.logger.debug('webhook received', {
      clinicId,
      mode,
      eventId: receipt.event.id,
      type: receipt.event.type,
      outcome: receipt.outcome,
    });
    return jsonResponse(200, { received: true });
  } catch (error) {
    if (error instanceof BasisError) {
      deps.metrics.count(metricNames.webhookRefused, { reason: error.code }, { clinicId, mode });
      deps.logger.warn('webhook refused', { clinicId, mode, code: error.code });
      if (error.code === 'invalid_signature') await deps.signatureFailures.record(clinicId, mode);
      throw error;
    }
    deps.metrics.count(metricNames.webhookEnqueueFailed, { mode }, { clinicId });
    deps.logger.error('webhook could not be accepted', { clinicId, mode, error });
    throw new BasisError('enqueue_failed', 'The event could not be accepted right now; Stripe will retry.');
  }
};

/** Ingest's routes, by API Gateway routeKey: both webhook routes of the topology. */
export const ingestRoutes: Readonly<Record<string, PublicRoute<IngestDeps>>> = {
  'POST /stripe_webhook/{clinicId}': receiveStripeWebhook,
  'POST /stripe_webhook_test/{clinicId}': receiveStripeWebhook,
};
