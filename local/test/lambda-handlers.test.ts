import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { envNames, type FunctionDefinition, functions, queueUrlEnvName } from '@basis/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = Object.entries(functions) as Array<[string, FunctionDefinition]>;

/** The environment the stack gives a function: exactly what its `access` in the topology grants. */
function environmentOf(definition: FunctionDefinition): Record<string, string> {
  return {
    ...(definition.access.table === 'none' && !definition.access.healthCounters
      ? {}
      : { [envNames.tableName]: 'basis-table' }),
    ...(definition.access.secrets === 'none' ? {} : { [envNames.clinicSecretPrefix]: 'basis/clinics/' }),
    ...(definition.access.publicBaseUrl ? { [envNames.publicBaseUrl]: 'https://payments.example.com' } : {}),
    ...Object.fromEntries(
      definition.access.sendsTo.map((queue) => [
        queueUrlEnvName(queue),
        `https://sqs.us-east-1.amazonaws.com/1/${queue}`,
      ]),
    ),
    AWS_REGION: 'us-east-1',
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('the Lambda entry points', () => {
  it.each(entries)(
    '%s initialises with the environment its topology access grants, and exports a handler',
    async (_name, definition) => {
      for (const [name, value] of Object.entries(environmentOf(definition))) vi.stubEnv(name, value);
      const module = (await import(pathToFileURL(join(root, definition.entry)).href)) as {
        handler?: unknown;
      };
      expect(typeof module.handler).toBe('function');
    },
  );

  it('refuses to start without its configuration, naming what is missing', async () => {
    vi.stubEnv(envNames.tableName, '');
    await expect(import(pathToFileURL(join(root, functions.paymentsApi.entry)).href)).rejects.toThrow(
      /BASIS_TABLE_NAME/,
    );
  });
});
