/**
 * @basis/api-client: the typed client of the Basis payments HTTP API. Its types are generated from
 * docs/openapi.json (`npm run openapi`, openapi-typescript) and its calls made by openapi-fetch, so a path, a
 * parameter or a field that is not in the contract does not compile.
 *
 * ```ts
 * const api = createBasisApiClient({ baseUrl: 'http://127.0.0.1:3000', token: () => session.idToken });
 * const { data, error, response } = await api.GET('/v1/clinics/{clinicId}/payments/{paymentId}', {
 *   params: { path: { clinicId, paymentId } },
 * });
 * // error?.error.code is one of the codes this route documents; response.headers.get('x-request-id') names the request.
 * ```
 */
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './openapi-types.ts';

export type { components, Middleware, operations, paths };

/** The client: `GET`, `POST`, `PUT`, `DELETE` and `request(method, path, init)` over the contract's paths. */
export type BasisApiClient = Client<paths>;

/** The contract's shapes, by their schema names. */
export type Schemas = components['schemas'];
export type Payment = Schemas['Payment'];
export type PaymentsReport = Schemas['PaymentsReport'];
export type StripeConnections = Schemas['StripeConnections'];
export type ErrorCode = Schemas['ErrorCode'];

export interface BasisApiClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The API's origin, e.g. `https://api.basis.example` or `http://127.0.0.1:3000` locally. */
  baseUrl: string;
  /** The signed-in user's JWT (sent as `Authorization: Bearer …`), or a function answering the current one. */
  token?: string | (() => string | Promise<string>);
}

/** A client of the API; with `token`, every request carries it (the `/v1` routes need it). */
export function createBasisApiClient(options: BasisApiClientOptions): BasisApiClient {
  const { token, ...clientOptions } = options;
  const client = createClient<paths>(clientOptions);
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        if (!request.headers.has('authorization')) {
          request.headers.set('authorization', `Bearer ${typeof token === 'string' ? token : await token()}`);
        }
        return request;
      },
    });
  }
  return client;
}
