import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connectionKey, ledgerKeys } from '../dynamo/keys.ts';
import type { Mode } from '../vocabulary.ts';

/** The ledger's failed events of a window, as connection health reports them. */
export interface FailedEventsSummary {
  /** Events whose ledger entry reads `failed` (no retry has settled them: in retry, or parked in a DLQ). */
  count: number;
  /** A few of them, newest first, so the admin can look them up in the event ledger. */
  examples: Array<{ eventId: string; type: string; reason: string | null }>;
  /** The window held more entries than one health check reads: `count` is of the newest `entriesRead`. */
  truncated: boolean;
  entriesRead: number;
}

/** What connection health reads from the event ledger (docs/api.md, "Stripe connection health"). */
export interface LedgerHealthReader {
  /**
   * `receivedAt` of the newest event (by Stripe's `created`) the missed-event sweep found in the ledger or enqueued
   * itself, kept on the connection's registry entry: as of the last sweep (every 15 minutes), null before any.
   */
  lastEventReceivedAt(clinicId: string, mode: Mode): Promise<string | null>;
  /** Failed events created at or after `sinceSeconds` (Stripe seconds), newest first, reading at most `maxEntries`. */
  failedEventsSince(
    clinicId: string,
    mode: Mode,
    sinceSeconds: number,
    maxEntries: number,
  ): Promise<FailedEventsSummary>;
}

/**
 * Failed events come from the ledger's sparse failed-events index (gsi1, only entries that recorded a failure), read
 * by `created`, so a window costs what failed in it, not what the clinic received; those a retry settled since carry
 * an `outcome` and are filtered out. The last event received is one GetItem of the connection's registry entry,
 * where the sweep keeps it: the ledger has no clinic-wide partition to ask, and keeping it per event would cost a
 * write per event.
 */
export function dynamoLedgerHealthReader(doc: DynamoDBDocumentClient, tableName: string): LedgerHealthReader {
  return {
    async lastEventReceivedAt(clinicId, mode) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: connectionKey(clinicId, mode),
          ProjectionExpression: 'lastEventReceivedAt',
        }),
      );
      return (output.Item?.lastEventReceivedAt as string | undefined) ?? null;
    },

    async failedEventsSince(clinicId, mode, sinceSeconds, maxEntries) {
      const from = ledgerKeys.sortKey(sinceSeconds, '');
      const summary: FailedEventsSummary = { count: 0, examples: [], truncated: false, entriesRead: 0 };
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :from',
            FilterExpression: 'attribute_not_exists(outcome)',
            ExpressionAttributeValues: { ':pk': ledgerKeys.failedPartition(clinicId, mode), ':from': from },
            ExpressionAttributeNames: { '#type': 'type' },
            ProjectionExpression: 'eventId, #type, failureReason',
            ScanIndexForward: false,
            // Limit counts entries read, not matches: it bounds the cost of one health check.
            Limit: maxEntries - summary.entriesRead,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        summary.entriesRead += output.ScannedCount ?? 0;
        for (const item of output.Items ?? []) {
          summary.count++;
          if (summary.examples.length < 5) {
            summary.examples.push({
              eventId: item.eventId as string,
              type: item.type as string,
              reason: (item.failureReason as string | undefined) ?? null,
            });
          }
        }
        startKey = output.LastEvaluatedKey;
      } while (startKey && summary.entriesRead < maxEntries);
      summary.truncated = startKey !== undefined;
      return summary;
    },
  };
}
