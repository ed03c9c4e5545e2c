import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGet,
  coalescedGet,
  type Mode,
  paymentKeys,
  putIfModeAndVersion,
  queryAll,
  queryPage,
} from '@basis/shared';
import {
  ConcurrentUpdateError,
  type DisputeRecord,
  disputeRecordSchema,
  type PaymentRecord,
  type PaymentSlice,
  paymentRecordSchema,
  type RefundRecord,
  refundRecordSchema,
} from '../domain/payment.ts';
import type { ReportEntry } from '../domain/payments-report.ts';
import type { PaymentStore, PaymentWrite } from '../ports.ts';

/** DynamoDB's limit of items in one TransactWriteItems. */
const maxTransactionItems = 100;

/** When a payment enters the report: the Stripe time it succeeded or failed (absent otherwise: gsi4 is sparse). */
function reportTimeOf(record: PaymentRecord): string | undefined {
  if (record.status !== 'succeeded' && record.status !== 'failed') return undefined;
  return new Date(record.statusSource.created * 1000).toISOString();
}

/** The payment item: its own keys, the by-date and by-client keys (KEYS_ONLY), and its report entry when it has one. */
export function paymentItem(record: PaymentRecord): Record<string, unknown> & { mode: Mode } {
  const { clinicId, mode, paymentId, createdAt } = record;
  const reportTime = reportTimeOf(record);
  return {
    ...paymentKeys.primary(clinicId, mode, paymentId),
    ...paymentKeys.byDate(clinicId, mode, createdAt, paymentId),
    ...(record.clientId ? paymentKeys.byClient(clinicId, mode, record.clientId, createdAt, paymentId) : {}),
    ...(reportTime ? paymentKeys.report(clinicId, mode, reportTime, 'payment', paymentId) : {}),
    entityType: 'payment',
    ...record,
  };
}

function refundItem(clinicId: string, mode: Mode, paymentId: string, refund: RefundRecord) {
  return {
    ...paymentKeys.refund(clinicId, mode, paymentId, refund.refundKey),
    ...(refund.reportedAt
      ? paymentKeys.report(clinicId, mode, refund.reportedAt, 'refund', refund.refundId ?? refund.refundKey)
      : {}),
    entityType: 'refund',
    mode,
    paymentId,
    ...refund,
  };
}

function disputeItem(clinicId: string, mode: Mode, paymentId: string, dispute: DisputeRecord) {
  return {
    ...paymentKeys.dispute(clinicId, mode, paymentId, dispute.disputeId),
    ...(dispute.reportedAt
      ? paymentKeys.report(clinicId, mode, dispute.reportedAt, 'dispute', dispute.disputeId)
      : {}),
    entityType: 'dispute',
    mode,
    paymentId,
    ...dispute,
  };
}

/** The condition of a versioned, mode-checked write: new items must not exist, others must be at `expected`. */
function condition(mode: Mode, expected: number | undefined) {
  return expected === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: 'version = :expected AND #mode = :mode',
        ExpressionAttributeNames: { '#mode': 'mode' },
        ExpressionAttributeValues: { ':expected': expected, ':mode': mode },
      };
}

/** A child's version moves by one per write, so the version it was read at is the one before. */
const expectedOf = (version: number) => (version === 1 ? undefined : version - 1);

/** The items of one change, each with the version its condition expects. */
function putsOf(change: PaymentWrite): { item: Record<string, unknown>; expected: number | undefined }[] {
  const { clinicId, mode, paymentId } = change;
  return [
    ...(change.payment
      ? [{ item: paymentItem(change.payment.record), expected: change.payment.expectedVersion }]
      : []),
    ...(change.refunds ?? []).map((refund) => ({
      item: refundItem(clinicId, mode, paymentId, refund),
      expected: expectedOf(refund.version),
    })),
    ...(change.disputes ?? []).map((dispute) => ({
      item: disputeItem(clinicId, mode, paymentId, dispute),
      expected: expectedOf(dispute.version),
    })),
  ];
}

/**
 * PaymentStore on the single table. A payment is one item (`PAYMENT#<mode>#<id>`) and each of its refunds and
 * disputes another in the same item collection, so the payment item has a fixed size whatever its history. Every
 * write is conditional on the version read and on the mode; a change of a refund that moves money writes the refund
 * and the payment in one transaction.
 */
export function dynamoPaymentStore(doc: DynamoDBDocumentClient, tableName: string): PaymentStore {
  const getItem = async (key: Record<string, string>) =>
    (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
  // The first read of each payment group of a batch (all started together by the worker kit): one BatchGetItem.
  const getPaymentItem = coalescedGet(doc, tableName, { consistent: true });

  return {
    async get(clinicId, mode, paymentId) {
      const item = await getPaymentItem(paymentKeys.primary(clinicId, mode, paymentId));
      return item ? paymentRecordSchema.parse(item) : undefined;
    },
    async find(clinicId, paymentId) {
      const items = await batchGet(
        doc,
        tableName,
        [paymentKeys.primary(clinicId, 'live', paymentId), paymentKeys.primary(clinicId, 'test', paymentId)],
        true,
      );
      const records = items.map((item) => paymentRecordSchema.parse(item));
      // Stripe's ids are unique across modes; should both exist, the live record is the one a person means.
      return records.find((record) => record.mode === 'live') ?? records[0];
    },
    async slice(clinicId, mode, paymentId) {
      const bounds = paymentKeys.withChildren(mode, paymentId);
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': paymentKeys.primary(clinicId, mode, paymentId).pk,
          ':from': bounds.from,
          ':to': bounds.to,
        },
      });
      const paymentItemFound = items.find((item) => item.entityType === 'payment');
      if (!paymentItemFound) return undefined;
      const slice: PaymentSlice = {
        payment: paymentRecordSchema.parse(paymentItemFound),
        refunds: items
          .filter((item) => item.entityType === 'refund')
          .map((item) => refundRecordSchema.parse(item)),
        disputes: items
          .filter((item) => item.entityType === 'dispute')
          .map((item) => disputeRecordSchema.parse(item)),
      };
      return slice;
    },
    async refund(clinicId, mode, paymentId, refundKey) {
      const item = await getItem(paymentKeys.refund(clinicId, mode, paymentId, refundKey));
      return item ? refundRecordSchema.parse(item) : undefined;
    },
    async dispute(clinicId, mode, paymentId, disputeId) {
      const item = await getItem(paymentKeys.dispute(clinicId, mode, paymentId, disputeId));
      return item ? disputeRecordSchema.parse(item) : undefined;
    },
    async list(clinicId, mode, query) {
      const byClient = query.clientId !== undefined;
      const index = byClient
        ? {
            name: 'gsi3',
            pk: 'gsi3pk',
            sk: 'gsi3sk',
            partition: paymentKeys.byClientPartition(clinicId, mode, query.clientId ?? ''),
          }
        : {
            name: 'gsi2',
            pk: 'gsi2pk',
            sk: 'gsi2sk',
            partition: paymentKeys.byDatePartition(clinicId, mode),
          };
      const page = await queryPage(
        doc,
        {
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.pk} = :pk AND ${index.sk} BETWEEN :from AND :to`,
          ScanIndexForward: false,
          ExpressionAttributeValues: {
            ':pk': index.partition,
            // `<createdAt>#<id>` sorts after `<createdAt>`: BETWEEN from AND to keeps `from` and excludes `to`.
            ':from': query.from ?? '0',
            ':to': query.to ?? '9',
          },
        },
        {
          limit: query.limit,
          cursor: query.cursor,
          keyAttributes: ['pk', 'sk', index.pk, index.sk],
          map: (item) => ({ pk: item.pk as string, sk: item.sk as string }),
        },
      );
      // The index holds keys only (a payment write then costs no index write): the page's items are read in one
      // BatchGet, eventually consistent like the index itself, and filtered after it (a page may come back short).
      const items = await batchGet(doc, tableName, page.items, false);
      const bySk = new Map(items.map((item) => [item.sk as string, paymentRecordSchema.parse(item)]));
      const records = page.items
        .map((key) => bySk.get(key.sk))
        .filter((record): record is PaymentRecord => record !== undefined)
        .filter((record) => !query.status || record.status === query.status)
        .filter((record) => !query.clientId || record.clientId === query.clientId);
      return { items: records, nextCursor: page.nextCursor };
    },
    async report(clinicId, mode, window) {
      const items = await queryAll(doc, {
        TableName: tableName,
        IndexName: 'gsi4',
        // `<time>#<kind>#<id>` sorts after `<time>`: BETWEEN from AND to keeps `from` and excludes `to`.
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': paymentKeys.reportPartition(clinicId, mode),
          ':from': window.from,
          ':to': window.to,
        },
      });
      const entries: ReportEntry[] = items.map((item) => ({
        kind: item.entityType as ReportEntry['kind'],
        time: (item.gsi4sk as string).split('#')[0] as string,
        paymentId: item.paymentId as string,
        amount: item.amount as number,
        currency: item.currency as string,
        status: item.status as string,
        ...(typeof item.paymentAmount === 'number' ? { paymentAmount: item.paymentAmount } : {}),
        ...(typeof item.refundedAfter === 'number' ? { refundedAfter: item.refundedAfter } : {}),
      }));
      return entries;
    },
    async save(record, expectedVersion) {
      if (!(await putIfModeAndVersion(doc, tableName, paymentItem(record), expectedVersion))) {
        throw new ConcurrentUpdateError(record.paymentId);
      }
    },
    async write(change: PaymentWrite) {
      const { mode, paymentId } = change;
      const puts = putsOf(change);
      if (puts.length === 0) return;
      if (puts.length > maxTransactionItems) {
        throw new Error(
          `One payment change may write at most ${maxTransactionItems} items, not ${puts.length}.`,
        );
      }
      const [only] = puts;
      if (puts.length === 1 && only) {
        if (!(await putIfModeAndVersion(doc, tableName, { ...only.item, mode }, only.expected))) {
          throw new ConcurrentUpdateError(paymentId);
        }
        return;
      }
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: puts.map(({ item, expected }) => ({
              Put: { TableName: tableName, Item: item, ...condition(mode, expected) },
            })),
          }),
        );
      } catch (error) {
        // A lost condition, or another transaction on the same items at the same moment: re-read and decide again.
        if (
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some(
            (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
          )
        ) {
          throw new ConcurrentUpdateError(paymentId);
        }
        throw error;
      }
    },
  };
}
