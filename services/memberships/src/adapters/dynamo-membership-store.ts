import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, membershipKeys, putIfModeAndVersion, queryAllWithPrefix, queryPage } from '@basis/shared';
import {
  ConcurrentMembershipUpdateError,
  type MembershipRecord,
  membershipRecordSchema,
} from '../domain/membership.ts';
import type { MembershipStore, SignUpClaim } from '../ports.ts';

function toClaim(item: Record<string, unknown>): SignUpClaim {
  return {
    clinicId: item.clinicId as string,
    mode: item.mode as SignUpClaim['mode'],
    clientId: item.clientId as string,
    planId: item.planId as string,
    generation: item.generation as number,
    subscriptionId: (item.subscriptionId as string | null | undefined) ?? null,
    requestKey: (item.requestKey as string | null | undefined) ?? null,
    createdAt: item.createdAt as string,
  };
}

/**
 * MembershipStore on the single table: one small item per membership (`mode` in its key and in every write's
 * condition), a pointer per client and membership (written once, with the membership's first write) and one sign-up
 * claim per client, plan and mode.
 */
export function dynamoMembershipStore(doc: DynamoDBDocumentClient, tableName: string): MembershipStore {
  const parse = (item: Record<string, unknown>) => membershipRecordSchema.parse(item);
  return {
    async get(clinicId, mode, membershipId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: membershipKeys.primary(clinicId, mode, membershipId),
          ConsistentRead: true,
        }),
      );
      return output.Item ? parse(output.Item) : undefined;
    },

    async save(record, previous) {
      const expectedVersion = previous?.version;
      const item = {
        ...membershipKeys.primary(record.clinicId, record.mode, record.membershipId),
        ...membershipKeys.byDate(record.clinicId, record.mode, record.createdAt, record.membershipId),
        entityType: 'membership',
        ...record,
      };
      if (!(await putIfModeAndVersion(doc, tableName, item, expectedVersion))) {
        throw new ConcurrentMembershipUpdateError(record.membershipId);
      }
      // The client's pointer: written once, with the write that first names the membership's client.
      if (record.clientId && previous?.clientId !== record.clientId) {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...membershipKeys.ofClient(record.clinicId, record.mode, record.clientId, record.membershipId),
              entityType: 'client_membership',
              mode: record.mode,
              membershipId: record.membershipId,
              createdAt: record.createdAt,
            },
            // Written once per mode's key; never over an item of another mode.
            ConditionExpression: 'attribute_not_exists(pk) OR #mode = :mode',
            ExpressionAttributeNames: { '#mode': 'mode' },
            ExpressionAttributeValues: { ':mode': record.mode },
          }),
        );
      }
    },

    async list(clinicId, mode, query) {
      const page = await queryPage(
        doc,
        {
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ScanIndexForward: false,
          ExpressionAttributeValues: { ':pk': membershipKeys.byDatePartition(clinicId, mode) },
        },
        {
          limit: query.limit,
          cursor: query.cursor,
          keyAttributes: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
          map: (item) => ({ pk: item.pk as string, sk: item.sk as string }),
        },
      );
      // The index holds keys only, so a membership's changes never write it: the page's items are read in one
      // BatchGet, eventually consistent like the index, and filtered after it (a page may come back short).
      const bySk = new Map(
        (await batchGet(doc, tableName, page.items, false)).map((item) => [item.sk as string, parse(item)]),
      );
      const items = page.items
        .map((key) => bySk.get(key.sk))
        .filter((record): record is MembershipRecord => record !== undefined)
        .filter((record) => !query.status || record.status === query.status);
      return { items, nextCursor: page.nextCursor };
    },

    async ofClient(clinicId, mode, clientId) {
      const pointers = await queryAllWithPrefix(
        doc,
        tableName,
        membershipKeys.primary(clinicId, mode, '').pk,
        membershipKeys.ofClientPrefix(mode, clientId),
      );
      const keys = pointers.map((pointer) =>
        membershipKeys.primary(clinicId, mode, pointer.membershipId as string),
      );
      const records = (await batchGet(doc, tableName, keys, true)).map(parse);
      return records.sort(
        (a, b) => b.createdAt.localeCompare(a.createdAt) || b.membershipId.localeCompare(a.membershipId),
      );
    },

    async claim(clinicId, mode, clientId, planId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: membershipKeys.signUp(clinicId, mode, clientId, planId),
          ConsistentRead: true,
        }),
      );
      return output.Item ? toClaim(output.Item) : undefined;
    },

    async takeClaim(claim, previousGeneration) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...membershipKeys.signUp(claim.clinicId, claim.mode, claim.clientId, claim.planId),
              entityType: 'membership_sign_up',
              ...claim,
            },
            ...(previousGeneration === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'generation = :previous AND #mode = :mode',
                  ExpressionAttributeNames: { '#mode': 'mode' },
                  ExpressionAttributeValues: { ':previous': previousGeneration, ':mode': claim.mode },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async setClaimSubscription(claim, subscriptionId) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: membershipKeys.signUp(claim.clinicId, claim.mode, claim.clientId, claim.planId),
            UpdateExpression: 'SET subscriptionId = :subscription',
            ConditionExpression: 'generation = :generation AND #mode = :mode',
            ExpressionAttributeNames: { '#mode': 'mode' },
            ExpressionAttributeValues: {
              ':subscription': subscriptionId,
              ':generation': claim.generation,
              ':mode': claim.mode,
            },
          }),
        )
        .catch((error: unknown) => {
          // A later generation took the claim: this one's subscription is recorded on its own item anyway.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },
  };
}
