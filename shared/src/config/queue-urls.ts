import * as z from 'zod/mini';
import type { QueueName } from '../topology.ts';
import { queueUrlEnvName } from './env-names.ts';
import { readConfig } from './read-config.ts';

/** Reads the URL of each named queue from its environment variable (set by the stack or the local runtime). */
export function readQueueUrls<Name extends QueueName>(
  names: readonly Name[],
  env: NodeJS.ProcessEnv = process.env,
): Record<Name, string> {
  const shape = Object.fromEntries(names.map((name) => [queueUrlEnvName(name), z.url()]));
  const config = readConfig(shape, env) as Record<string, string>;
  return Object.fromEntries(names.map((name) => [name, config[queueUrlEnvName(name)]])) as Record<
    Name,
    string
  >;
}
