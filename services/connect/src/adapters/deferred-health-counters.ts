import type { DocumentSdk, TableSource } from '@basis/shared';
import type { HealthCounters } from '../ports.ts';
import { healthCounterAddition } from './health-counter-items.ts';

/**
 * The counters' `add` (the same item as `dynamoHealthCounters` writes) for a function that writes them rarely: the
 * source's document client is asked for on the first write, so a container that never writes never loads the
 * DynamoDB SDK (webhook ingest's entry imports it then; its bundle ships the SDK beside the handler, see
 * infra/lib/functions/function-bundling.ts). A failed load is tried again by the next write. No `import()` here:
 * esbuild wraps a dynamically imported module for deferred evaluation in every bundle whose graph holds the
 * `import()`, and this file is in the sweeper's and the connect API's (through this package's barrel).
 */
export function deferredHealthCounterAdder(table: TableSource): Pick<HealthCounters, 'add'> {
  let sdk: Promise<DocumentSdk> | undefined;
  return {
    async add(clinicId, mode, kind, count, at) {
      sdk ??= table.documentSdk().catch((error: unknown) => {
        sdk = undefined;
        throw error;
      });
      const { doc, UpdateCommand } = await sdk;
      await doc.send(
        new UpdateCommand(healthCounterAddition(table.tableName, clinicId, mode, kind, count, at)),
      );
    },
  };
}
