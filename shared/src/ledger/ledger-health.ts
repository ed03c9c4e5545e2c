import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKeys } from '../dynamo/keys.ts';
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
  /** `receivedAt` of the newest event in the ledger (by Stripe's `created`), or null when it holds none. */
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
 * Reads the ledger partition of a clinic and mode by its sort key (`created`), so a window costs what it holds;
 * only a few attributes are projected. Failed entries have no `outcome` (a failure records only its reason, and a
 * later success sets the outcome), which is what the filter selects.
 */
export function dynamoLedgerHealthReader(doc: DynamoDBDocumentClient, tableName: string): LedgerHealthReader {
  return {
    async lastEventReceivedAt(clinicId, mode) {
      const output = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': ledgerKeys.partition(clinicId, mode) },
          ProjectionExpression: 'receivedAt',
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      return (output.Items?.[0]?.receivedAt as string | undefined) ?? null;
    },

    async failedEventsSince(clinicId, mode, sinceSeconds, maxEntries) {
      const from = ledgerKeys.entry(clinicId, mode, sinceSeconds, '').sk;
      const summary: FailedEventsSummary = { count: 0, examples: [], truncated: false, entriesRead: 0 };
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk >= :from',
            FilterExpression: 'attribute_not_exists(outcome)',
            ExpressionAttributeValues: { ':pk': ledgerKeys.partition(clinicId, mode), ':from': from },
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
