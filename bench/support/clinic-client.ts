import { Agent, request } from 'node:http';
import { fixtureEvent, signDevToken, stripeSignatureHeader } from './system.ts';

/** A clinic connected through the API (`PUT …/stripe/test`) with a webhook secret the bench knows. */
export interface BenchClinic {
  clinicId: string;
  webhookSecret: string;
  adminToken: string;
  apiUrl: string;
}

/**
 * Connects a clinic as an admin would, with a fresh simulator account and an admin-given webhook secret (so the
 * bench can sign events the way Stripe would for that endpoint).
 */
export async function connectClinic(apiUrl: string, clinicId: string): Promise<BenchClinic> {
  const suffix = `bench${Math.random().toString(36).slice(2, 12)}`;
  const webhookSecret = `whsec_${suffix}`;
  const adminToken = await signDevToken({ clinicId, role: 'clinic_admin' });
  const response = await fetch(`${apiUrl}/v1/clinics/${clinicId}/stripe/test`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      publishableKey: `pk_test_${suffix}`,
      secretKey: `sk_test_${suffix}`,
      webhookSecret,
    }),
  });
  if (response.status !== 200) {
    throw new Error(`bench: connecting ${clinicId} answered ${response.status} ${await response.text()}`);
  }
  return { clinicId, webhookSecret, adminToken, apiUrl };
}

export interface PaymentEventSpec {
  paymentId: string;
  eventId: string;
  /** PaymentIntent `created`, Unix seconds: the payment record's date. */
  paymentCreated: number;
  /** Event `created`, Unix seconds: the ledger entry's date (it expires 30 days later). */
  eventCreated: number;
  clientId: string;
  amount?: number;
}

/** A `payment_intent.succeeded` event (Stripe's fixture, about 2 KB) for one payment of the clinic. */
export function succeededEvent(clinicId: string, spec: PaymentEventSpec): string {
  const event = fixtureEvent('payment_intent.succeeded');
  const object = (event.data as { object: Record<string, unknown> }).object;
  object.id = spec.paymentId;
  object.created = spec.paymentCreated;
  if (spec.amount !== undefined) object.amount = spec.amount;
  object.metadata = {
    clinic_id: clinicId,
    booking_id: `bk_${spec.paymentId.slice(3)}`,
    service_id: 'svc_bench',
    client_id: spec.clientId,
  };
  event.id = spec.eventId;
  event.created = spec.eventCreated;
  return JSON.stringify(event);
}

/**
 * The load generator's connections: kept alive, as Stripe's are, and through `node:http` rather than `fetch`. The
 * generator shares the machine's cores with the stack and the emulators; undici's `fetch` (web streams, abort
 * signals) cost it about as much CPU per POST as the gateway spent answering it, CPU the stack then did not have.
 */
const webhookAgent = new Agent({ keepAlive: true });

/** POSTs one signed event to the clinic's test-mode webhook route; throws unless it is accepted (200). */
export async function postSignedEvent(clinic: BenchClinic, body: string): Promise<void> {
  const header = stripeSignatureHeader(body, clinic.webhookSecret, Math.floor(Date.now() / 1000));
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const outgoing = request(
      `${clinic.apiUrl}/stripe_webhook_test/${clinic.clinicId}`,
      {
        method: 'POST',
        agent: webhookAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'stripe-signature': header,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  if (status !== 200) throw new Error(`bench: webhook answered ${status} ${text}`);
}

/** GET on the API with a bearer token; answers the parsed JSON body, throws on a non-200. */
export async function apiGet(apiUrl: string, path: string, token: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`bench: GET ${path} answered ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The ledger entries of the given payments or objects in the clinic's test mode, through the API: one query form per
 * subject (`paymentId=` for `pi_…`, else `objectId=`), page by page (100 a page), a few subjects at a time. The
 * ledger has no clinic-wide list of every event (only of failed ones), so a bench names what it made.
 */
export async function ledgerEntries(
  clinic: BenchClinic,
  subjectIds: readonly string[],
): Promise<Array<{ eventId: string; outcome: string }>> {
  const entries: Array<{ eventId: string; outcome: string }> = [];
  const ofSubject = async (subjectId: string) => {
    const selector = subjectId.startsWith('pi_') ? 'paymentId' : 'objectId';
    let cursor: string | null = null;
    do {
      const query: string = `mode=test&${selector}=${subjectId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await apiGet(
        clinic.apiUrl,
        `/v1/clinics/${clinic.clinicId}/events?${query}`,
        clinic.adminToken,
      );
      entries.push(...(page.data as Array<{ eventId: string; outcome: string }>));
      cursor = page.nextCursor as string | null;
    } while (cursor);
  };
  for (let start = 0; start < subjectIds.length; start += 16) {
    await Promise.all(subjectIds.slice(start, start + 16).map(ofSubject));
  }
  return entries;
}
