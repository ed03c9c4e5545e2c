import { envNames, type FunctionName, functions, queueUrlEnvName, table } from '@basis/shared';
import { describe, expect, it } from 'vitest';
import { functionEntries } from '../lib/config/topology-entries.ts';
import { secretWriteActions } from '../lib/functions/bind-clinic-secrets.ts';
import { tableWriteActions } from '../lib/functions/bind-table.ts';
import { synthesizeBasis, testContext } from './synthesize-basis.ts';
import {
  actionsOf,
  allowedActions,
  allPolicyStatements,
  functionProperties,
  logicalIdOf,
  renderArn,
  resourcesOf,
  statementsOfFunction,
} from './template-queries.ts';

const { stateful, stateless, stacks } = synthesizeBasis();
const statementsOf = (name: FunctionName) => statementsOfFunction(stateless, stacks.stateless, name);
const environmentOf = (name: FunctionName) =>
  (
    functionProperties(stateless, stacks.stateless, name).Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;
const prefix = testContext['basis:clinicSecretPrefix'];
const secretsArn = `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${prefix}*`;
const onService = (service: string) => (action: string) => action.startsWith(`${service}:`);

describe('the webhook ingest function', () => {
  const statements = statementsOf('webhookIngest');
  const actions = allowedActions(statements);

  it('can send to each queue it routes to, and only SendMessage', () => {
    for (const queueName of functions.webhookIngest.access.sendsTo) {
      const queueId = logicalIdOf(stacks.stateful.queues[queueName].queue);
      const sending = statements.filter((statement) =>
        resourcesOf(statement).some((resource) => renderArn(resource).includes(`${queueId}Arn`)),
      );
      expect(sending.flatMap(actionsOf)).toEqual(['sqs:SendMessage']);
      expect(environmentOf('webhookIngest')[queueUrlEnvName(queueName)]).toBeDefined();
    }
    expect(actions.filter(onService('sqs'))).toEqual(
      functions.webhookIngest.access.sendsTo.map(() => 'sqs:SendMessage'),
    );
  });

  it('can read secrets only under the clinic prefix', () => {
    const secretStatements = statements.filter((statement) =>
      actionsOf(statement).some(onService('secretsmanager')),
    );
    expect(secretStatements.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
    expect(secretStatements.flatMap(resourcesOf).map(renderArn)).toEqual([secretsArn]);
    expect(environmentOf('webhookIngest')[envNames.clinicSecretPrefix]).toBe(prefix);
  });

  it('may only add to the connection-health counters in the table (UpdateItem on HEALTH# keys)', () => {
    const dynamoStatements = statements.filter((statement) =>
      actionsOf(statement).some(onService('dynamodb')),
    );
    expect(dynamoStatements.flatMap(actionsOf)).toEqual(['dynamodb:UpdateItem']);
    expect(dynamoStatements.map((statement) => statement.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HEALTH#*'] } },
    ]);
    expect(environmentOf('webhookIngest')[envNames.tableName]).toBeDefined();
  });
});

describe('every function gets exactly what its topology access names', () => {
  it.each(functionEntries())('%s', (name, definition) => {
    const actions = allowedActions(statementsOf(name));
    const environment = environmentOf(name);

    const dynamo = actions.filter(onService('dynamodb'));
    const counters = 'healthCounters' in definition.access && definition.access.healthCounters === true;
    if (definition.access.table === 'none') expect(dynamo).toEqual(counters ? ['dynamodb:UpdateItem'] : []);
    else expect(dynamo).toContain('dynamodb:GetItem');
    if (counters && definition.access.table === 'none') {
      // Checked on its own above: UpdateItem on the health counters' keys only.
    } else if (definition.access.table !== 'readWrite') {
      expect(dynamo.filter((action) => (tableWriteActions as readonly string[]).includes(action))).toEqual(
        [],
      );
    } else {
      expect(dynamo).toEqual(expect.arrayContaining([...tableWriteActions]));
    }
    expect(environment[envNames.tableName] !== undefined).toBe(
      definition.access.table !== 'none' || counters,
    );

    const secrets = actions.filter(onService('secretsmanager'));
    if (definition.access.secrets === 'none') expect(secrets).toEqual([]);
    else expect(secrets).toContain('secretsmanager:GetSecretValue');
    const writes = secrets.filter((action) => (secretWriteActions as readonly string[]).includes(action));
    expect(writes.length > 0).toBe(definition.access.secrets === 'readWrite');
    expect(environment[envNames.clinicSecretPrefix] !== undefined).toBe(definition.access.secrets !== 'none');
    expect(environment[envNames.publicBaseUrl]).toBe(
      definition.access.publicBaseUrl === true ? testContext['basis:publicBaseUrl'] : undefined,
    );

    const sends = actions.filter((action) => action === 'sqs:SendMessage');
    expect(sends).toHaveLength(definition.access.sendsTo.length);
  });

  it('a read-only table function has no write action at all', () => {
    const readOnly = functionEntries().filter(([, definition]) => definition.access.table === 'read');
    expect(readOnly.length).toBeGreaterThan(0);
    for (const [name] of readOnly) {
      const actions = allowedActions(statementsOf(name)).filter(onService('dynamodb'));
      expect(actions.every((action) => /^dynamodb:(Get|BatchGet|Query|ConditionCheck)/.test(action))).toBe(
        true,
      );
    }
  });

  it('only functions with secrets: readWrite may create, put or delete secrets', () => {
    for (const [name, definition] of functionEntries()) {
      const actions = allowedActions(statementsOf(name));
      const mayWrite = ['CreateSecret', 'PutSecretValue', 'DeleteSecret'].some((action) =>
        actions.includes(`secretsmanager:${action}`),
      );
      expect({ name, mayWrite }).toEqual({ name, mayWrite: definition.access.secrets === 'readWrite' });
    }
  });

  it('table access names the table and its topology indexes, never index/*', () => {
    const tableId = logicalIdOf(stacks.stateful.table);
    for (const [name, definition] of functionEntries()) {
      if (definition.access.table === 'none') continue;
      const resources = statementsOf(name)
        .filter((statement) => actionsOf(statement).some(onService('dynamodb')))
        .flatMap(resourcesOf)
        .map(renderArn);
      expect(resources).toContainEqual(expect.stringMatching(new RegExp(`^import\\(.*${tableId}Arn.*\\)$`)));
      for (const index of table.indexes) {
        expect(resources).toContainEqual(
          expect.stringMatching(new RegExp(`${tableId}Arn.*\\)/index/${index.name}$`)),
        );
      }
      expect(resources.filter((resource) => resource.includes('*'))).toEqual([]);
    }
  });
});

describe('no wildcard resources', () => {
  const statements = [...allPolicyStatements(stateless), ...allPolicyStatements(stateful)];

  it('found the policies to check', () => {
    expect(statements.length).toBeGreaterThan(0);
  });

  it('no statement grants secretsmanager, dynamodb or sqs actions on Resource "*"', () => {
    const offending = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => /^(secretsmanager|dynamodb|sqs):/.test(action)) &&
        resourcesOf(statement).some((resource) => resource === '*' || renderArn(resource).endsWith(':*')),
    );
    expect(offending).toEqual([]);
  });

  it('no statement has a wildcard action', () => {
    const wildcard = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => action.endsWith(':*') || action === '*'),
    );
    expect(wildcard).toEqual([]);
  });
});
