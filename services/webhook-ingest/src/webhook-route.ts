import { AppError } from '@basis/shared/errors/errors';
import { jsonResponse } from '@basis/shared/http/api-response';
import { type HttpEvent, httpHandler } from '@basis/shared/http/http-handler';
import type { Logger } from '@basis/shared/observability/logger';
import { findRoute } from '@basis/shared/topology';
import { type ReceiveWebhookDeps, receiveWebhook } from './use-cases/receive-webhook.ts';

/** `POST /stripe_webhook/{clinicId}` and `POST /stripe_webhook_test/{clinicId}`. */
export function createWebhookRoute(deps: ReceiveWebhookDeps & { logger: Logger }) {
  return httpHandler(deps.logger, async (event: HttpEvent) => {
    const route = findRoute(event.routeKey);
    if (route?.auth.kind !== 'stripe-signature') throw new AppError(404, 'not_found', 'No such route.');
    // Checked by ingest itself: a malformed clinic id is answered 404 clinic_not_connected, as Stripe expects.
    const clinicId = event.pathParameters?.clinicId ?? '';
    // The raw bytes, before anything parses them: the signature covers them exactly.
    const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    try {
      const receipt = await receiveWebhook(deps, {
        clinicId,
        mode: route.auth.mode,
        rawBody,
        signatureHeader: event.headers['stripe-signature'],
      });
      deps.logger.info('webhook received', {
        clinicId,
        mode: route.auth.mode,
        eventId: receipt.event.id,
        type: receipt.event.type,
        outcome: receipt.outcome,
      });
      return jsonResponse(200, { received: true });
    } catch (error) {
      if (error instanceof AppError) {
        deps.logger.warn('webhook rejected', { clinicId, mode: route.auth.mode, code: error.code });
        throw error;
      }
      deps.logger.error('webhook could not be accepted', { clinicId, mode: route.auth.mode, error });
      throw new AppError(
        503,
        'enqueue_failed',
        'The event could not be accepted right now; Stripe will retry.',
      );
    }
  });
}
