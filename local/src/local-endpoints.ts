import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { queueNames } from '@basis/shared';
import * as z from 'zod';

const queueAddressSchema = z.object({ url: z.url(), arn: z.string(), dlqUrl: z.url(), dlqArn: z.string() });

/**
 * Where a running local stack can be reached, written by `startLocalStack` to `<dataDir>/endpoints.json` and removed
 * when it stops: how `npm run ops` finds the `npm start` stack (its ports are chosen at start).
 */
export const localEndpointsSchema = z.object({
  apiUrl: z.url(),
  stripeApiUrl: z.url(),
  dynamoEndpoint: z.url(),
  sqsEndpoint: z.url(),
  tableName: z.string(),
  /** The stack's secret store folder (file secret store). */
  secretsDir: z.string(),
  queues: z.object(Object.fromEntries(queueNames.map((name) => [name, queueAddressSchema]))),
});
export type LocalEndpoints = z.infer<typeof localEndpointsSchema>;

export function localEndpointsFile(dataDir: string): string {
  return join(dataDir, 'endpoints.json');
}

export async function writeLocalEndpoints(dataDir: string, endpoints: LocalEndpoints): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(localEndpointsFile(dataDir), JSON.stringify(endpoints, null, 2), { mode: 0o600 });
}

export async function removeLocalEndpoints(dataDir: string): Promise<void> {
  await rm(localEndpointsFile(dataDir), { force: true });
}

/** The endpoints of the local stack that keeps its state in `dataDir`; throws, saying so, when none is running. */
export async function readLocalEndpoints(dataDir: string): Promise<LocalEndpoints> {
  let text: string;
  try {
    text = await readFile(localEndpointsFile(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `No local stack found (${localEndpointsFile(dataDir)} is missing): start one with npm start, or pass --stage <name>.`,
    );
  }
  return localEndpointsSchema.parse(JSON.parse(text));
}
