import { consoleAssets } from '@basis/console';
import { type ApiResult, type QueueName, queueNames, roles } from '@basis/shared';
import * as z from 'zod';
import { signDevToken } from './dev-jwt.ts';
import { moveDeadLetters, type QueueStatusSource, queueStatuses } from './queue-ops.ts';

/**
 * The local console (console/README.md) and its LOCAL-ONLY token endpoint, served by the local API Gateway next to
 * the API (same origin, so the console needs no CORS). None of this is a topology route: it never exists in AWS.
 *
 * - `GET /console/` (and `index.html`, `console.css`, `app.js`): the console; `GET /console` redirects there.
 * - `GET /console/config.json` → `{"stripeApiUrl"}`: where the console's Stripe.js stand-in finds the simulator.
 * - `POST /_local/token` body `{"clinicId", "role", "clientId"?}` → 200 `{"token"}`: a dev token (12 h) signed with
 *   the public dev key of dev-jwt.ts, which only the local server accepts; 400 `validation_failed` for a bad body.
 * - `GET /_local/queues` → 200 `{"data": [QueueStatus]}`: each queue's depth, its DLQ's count and oldest ages (what
 *   `npm run ops -- status` prints); `POST /_local/queues/{queue}/redrive` → 200 `{"moved"}`: moves the queue's DLQ
 *   back into it (`npm run ops -- redrive`); 404 for a queue the topology does not have.
 */
export interface LocalConsole {
  /** The answer for this request, or undefined when it is not one of the console's paths. */
  serve(
    method: string,
    pathname: string,
    readBody: () => Promise<Buffer | undefined>,
  ): Promise<ApiResult | undefined>;
}

const tokenRequest = z.strictObject({
  clinicId: z.string().min(1).max(128),
  role: z.enum(roles),
  clientId: z.string().min(1).max(128).optional(),
});

const json = (statusCode: number, body: unknown): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

async function issueToken(readBody: () => Promise<Buffer | undefined>): Promise<ApiResult> {
  const body = await readBody();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return json(400, { error: { code: 'validation_failed', message: 'The body must be JSON.' } });
  }
  const request = tokenRequest.safeParse(parsed);
  if (!request.success) {
    const issue = request.error.issues[0];
    return json(400, {
      error: {
        code: 'validation_failed',
        message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      },
    });
  }
  const { clinicId, role, clientId } = request.data;
  if (role === 'client' && !clientId) {
    return json(400, {
      error: { code: 'validation_failed', message: 'clientId: a client token needs one.' },
    });
  }
  return json(200, {
    token: await signDevToken({ clinicId, role, ...(role === 'client' ? { clientId } : {}) }),
  });
}

/** The queues of the local stack, for the console's operations view. */
export type LocalQueues = QueueStatusSource;

const redrivePath = /^\/_local\/queues\/([\w-]+)\/redrive$/;

async function redrive(queues: LocalQueues, name: string): Promise<ApiResult> {
  if (!(queueNames as readonly string[]).includes(name)) {
    return json(404, { error: { code: 'not_found', message: `No queue ${name}.` } });
  }
  const result = await moveDeadLetters(queues.sqs, queues.queues[name as QueueName], () => {});
  return json(200, { moved: result.moved });
}

/** The console of a local server whose Stripe is at `stripeApiUrl`, and whose queues are `queues`. */
export function localConsole(options: { stripeApiUrl: string; queues?: LocalQueues }): LocalConsole {
  const assets = consoleAssets();
  return {
    async serve(method, pathname, readBody) {
      if (method === 'POST' && pathname === '/_local/token') return issueToken(readBody);
      const redriveOf = redrivePath.exec(pathname);
      if (options.queues && method === 'POST' && redriveOf?.[1]) return redrive(options.queues, redriveOf[1]);
      if (options.queues && method === 'GET' && pathname === '/_local/queues') {
        return json(200, { data: await queueStatuses(options.queues) });
      }
      if (method !== 'GET') return undefined;
      if (pathname === '/console') return { statusCode: 302, headers: { location: '/console/' } };
      if (pathname === '/console/config.json') return json(200, { stripeApiUrl: options.stripeApiUrl });
      if (!pathname.startsWith('/console/')) return undefined;
      const asset = await assets.get(pathname.slice('/console/'.length) || 'index.html');
      if (!asset) return undefined;
      return {
        statusCode: 200,
        headers: { 'content-type': asset.contentType, 'cache-control': 'no-cache' },
        body: asset.body,
      };
    },
  };
}
