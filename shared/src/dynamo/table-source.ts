import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClients, TableSource } from '../platform/platform-clients.ts';

/**
 * A `TableSource` over a document client already made (tests, the local runtime, the bench): the Lambda entry that
 * takes a source builds its own, which imports the SDK on first use.
 */
export function tableSourceOf(table: TableClients): TableSource {
  return {
    tableName: table.tableName,
    documentSdk: () => Promise.resolve({ doc: table.doc, UpdateCommand }),
  };
}
