import { Agent, request } from 'node:http';
import type { FuzzRequest } from './mutations.ts';

export interface RawAnswer {
  /** HTTP status, or 0 when the connection failed before an answer. */
  status: number;
  body: string;
  /** The client could not send it (e.g. a header Node refuses to put on the wire): the server never saw it. */
  unsendable?: string;
}

/**
 * Sends a request exactly as built (path bytes, repeated headers, any method) over a keep-alive agent: `fetch`
 * would normalise the path and refuse some headers, and the fuzz must reach the server with what it made.
 */
export function rawSender(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (fuzz: FuzzRequest): Promise<RawAnswer> =>
    new Promise((resolve) => {
      let outgoing: ReturnType<typeof request>;
      try {
        outgoing = request({
          agent,
          host: url.hostname,
          port: url.port,
          method: fuzz.method,
          path: fuzz.path,
          headers: { ...fuzz.headers, 'content-length': String(fuzz.body.byteLength) },
        });
      } catch (error) {
        resolve({ status: 0, body: '', unsendable: (error as Error).message });
        return;
      }
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', () => resolve({ status: response.statusCode ?? 0, body: '' }));
      });
      outgoing.on('error', (error) => resolve({ status: 0, body: error.message }));
      outgoing.end(fuzz.body);
    });
  return { send, close: () => agent.destroy() };
}
