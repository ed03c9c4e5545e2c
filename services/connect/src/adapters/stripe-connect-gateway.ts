import { createHash } from 'node:crypto';
import { callStripe, type StripeClientSource, stripeIdempotencyKey, stripeLoaderOf } from '@basis/shared';
import type Stripe from 'stripe';
import type { WebhookEndpointFacts } from '../domain/connection-health.ts';
import type { ConnectGateway } from '../ports.ts';

function endpointFacts(endpoint: Stripe.WebhookEndpoint): WebhookEndpointFacts {
  return {
    id: endpoint.id,
    url: endpoint.url,
    status: endpoint.status === 'enabled' ? 'enabled' : 'disabled',
    enabledEvents: endpoint.enabled_events,
  };
}

const permissionProbes: ReadonlyArray<[string, (stripe: Stripe, apiKey: string) => Promise<unknown>]> = [
  ['customers', (stripe, apiKey) => stripe.customers.list({ limit: 1 }, { apiKey })],
  ['payment_intents', (stripe, apiKey) => stripe.paymentIntents.list({ limit: 1 }, { apiKey })],
  ['setup_intents', (stripe, apiKey) => stripe.setupIntents.list({ limit: 1 }, { apiKey })],
  ['refunds', (stripe, apiKey) => stripe.refunds.list({ limit: 1 }, { apiKey })],
  ['payouts', (stripe, apiKey) => stripe.payouts.list({ limit: 1 }, { apiKey })],
  ['balance_transactions', (stripe, apiKey) => stripe.balanceTransactions.list({ limit: 1 }, { apiKey })],
  ['events', (stripe, apiKey) => stripe.events.list({ limit: 1 }, { apiKey })],
];

export function stripeConnectGateway(source: StripeClientSource): ConnectGateway {
  const sdk = stripeLoaderOf(source);
  return {
    async accountOf(secretKey) {
      const account = await callStripe(async () =>
        (await sdk()).accounts.retrieve(null, {}, { apiKey: secretKey }),
      );
      return { accountId: account.id };
    },

    async publishableKeyMatches(secretKey, publishableKey) {
      // Keyed by the pair of keys (per ten minutes), so the SDK's retries and a double-clicked Save make one probe.
      const pair = createHash('sha256').update(`${secretKey}:${publishableKey}`).digest('hex');
      const idempotencyKey = stripeIdempotencyKey(
        'key-check',
        pair,
        String(Math.floor(Date.now() / 600_000)),
      );
      const probe = await callStripe(async () =>
        (await sdk()).setupIntents.create(
          { usage: 'off_session', metadata: { basis_purpose: 'publishable_key_check' } },
          { apiKey: secretKey, idempotencyKey },
        ),
      );
      try {
        const clientSecret = probe.client_secret ?? '';
        await callStripe(async () =>
          (await sdk()).setupIntents.retrieve(
            probe.id,
            { client_secret: clientSecret },
            { apiKey: publishableKey },
          ),
        );
        return true;
      } catch (error) {
        if (
          error instanceof Error &&
          ['StripeObjectMissingError', 'StripeKeyRejectedError'].includes(error.name)
        )
          return false;
        throw error;
      } finally {
        await callStripe(async () =>
          (await sdk()).setupIntents.cancel(probe.id, {}, { apiKey: secretKey }),
        ).catch(() => undefined);
      }
    },

    async missingPermissions(secretKey, needsWebhookEndpoints) {
      const probes: Array<[string, (stripe: Stripe, apiKey: string) => Promise<unknown>]> = [
        ...permissionProbes,
      ];
      if (needsWebhookEndpoints) {
        probes.push([
          'webhook_endpoints',
          (client, apiKey) => client.webhookEndpoints.list({ limit: 1 }, { apiKey }),
        ]);
      }
      const results = await Promise.all(
        probes.map(async ([resource, probe]) => {
          try {
            await callStripe(async () => probe(await sdk(), secretKey));
            return undefined;
          } catch (error) {
            if (error instanceof Error && error.name === 'StripePermissionDeniedError') return resource;
            throw error;
          }
        }),
      );
      return results.filter((resource): resource is string => resource !== undefined);
    },

    async createWebhookEndpoint(secretKey, input) {
      const endpoint = await callStripe(async () =>
        (await sdk()).webhookEndpoints.create(
          {
            url: input.url,
            enabled_events: [...input.enabledEvents] as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
            api_version: input.apiVersion as Stripe.WebhookEndpointCreateParams.ApiVersion,
            description: 'Basis payments (managed by Basis)',
            metadata: { basis_clinic_id: input.clinicId },
          },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        ),
      );
      if (!endpoint.secret) throw new Error('Stripe returned a webhook endpoint without its signing secret.');
      return { endpointId: endpoint.id, secret: endpoint.secret };
    },

    async deleteWebhookEndpoint(secretKey, endpointId) {
      try {
        await callStripe(async () =>
          (await sdk()).webhookEndpoints.del(endpointId, {}, { apiKey: secretKey }),
        );
      } catch (error) {
        if (error instanceof Error && error.name === 'StripeObjectMissingError') return;
        throw error;
      }
    },

    async webhookEndpoint(secretKey, endpointId) {
      try {
        return endpointFacts(
          await callStripe(async () =>
            (await sdk()).webhookEndpoints.retrieve(endpointId, {}, { apiKey: secretKey }),
          ),
        );
      } catch (error) {
        if (error instanceof Error && error.name === 'StripeObjectMissingError') return null;
        throw error;
      }
    },

    async webhookEndpoints(secretKey) {
      const endpoints: WebhookEndpointFacts[] = [];
      let startingAfter: string | undefined;
      for (;;) {
        const page = await callStripe(async () =>
          (await sdk()).webhookEndpoints.list(
            { limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) },
            { apiKey: secretKey },
          ),
        );
        endpoints.push(...page.data.map(endpointFacts));
        const last = page.data.at(-1);
        if (!page.has_more || !last) return endpoints;
        startingAfter = last.id;
      }
    },
  };
}
