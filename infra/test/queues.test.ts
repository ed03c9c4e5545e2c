import { functions, queues } from '@basis/shared';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { queueEntries } from '../lib/config/topology-entries.ts';
import { synthesizeBasis } from './synthesize-basis.ts';
import { logicalIdOf, resourcesOfType } from './template-queries.ts';

const { stateful, stateless, stacks } = synthesizeBasis();
const cases = queueEntries().map(([name, definition]) => [name, definition] as const);

/** How the stateless stack refers to a queue attribute of the stateful stack (a strong cross-stack import). */
function importOf(attribute: 'Arn' | 'QueueName', queueLogicalId: string): unknown {
  return { 'Fn::ImportValue': Match.stringLikeRegexp(`${queueLogicalId}${attribute}`) };
}

describe('queues generated from the topology', () => {
  it('has one worker queue and one DLQ per topology queue, all SQS-encrypted', () => {
    const all = resourcesOfType(stateful, 'AWS::SQS::Queue');
    expect(all).toHaveLength(2 * Object.keys(queues).length);
    for (const [, queue] of all) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it.each(cases)(
    '%s: redrives to its own DLQ after maxReceiveCount, timings from the topology',
    (name, definition) => {
      const { queue, deadLetterQueue } = stacks.stateful.queues[name];
      stateful.hasResource('AWS::SQS::Queue', {
        Properties: {
          VisibilityTimeout: definition.visibilityTimeoutSeconds,
          MessageRetentionPeriod: definition.retentionDays * 86_400,
          SqsManagedSseEnabled: true,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(deadLetterQueue), 'Arn'] },
            maxReceiveCount: definition.maxReceiveCount,
          },
        },
        DeletionPolicy: 'Retain',
      });
      expect(stateful.toJSON().Resources[logicalIdOf(deadLetterQueue)].Properties).toMatchObject({
        MessageRetentionPeriod: definition.dlqRetentionDays * 86_400,
        SqsManagedSseEnabled: true,
      });
      expect(logicalIdOf(queue)).not.toBe(logicalIdOf(deadLetterQueue));
    },
  );

  it.each(cases)('%s: both queues refuse requests without TLS', (name) => {
    for (const target of [stacks.stateful.queues[name].queue, stacks.stateful.queues[name].deadLetterQueue]) {
      stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(target) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it.each(cases)(
    '%s: its consumer has an event-source mapping with partial batch responses',
    (name, definition) => {
      const consumer = stacks.stateless.functions[definition.consumer];
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalIdOf(consumer) },
        EventSourceArn: importOf('Arn', logicalIdOf(stacks.stateful.queues[name].queue)),
        BatchSize: definition.batchSize,
        MaximumBatchingWindowInSeconds: definition.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    },
  );

  it('no function other than a queue consumer has an event-source mapping', () => {
    const consumers = new Set(Object.values(queues).map((definition) => definition.consumer));
    expect(resourcesOfType(stateless, 'AWS::Lambda::EventSourceMapping')).toHaveLength(consumers.size);
    expect(consumers.size).toBeLessThanOrEqual(Object.keys(functions).length);
  });
});

describe('alarms', () => {
  it.each(cases)('%s: alarms when its DLQ holds one message or more', (name) => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: importOf('QueueName', logicalIdOf(stacks.stateful.queues[name].deadLetterQueue)),
        },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
  });

  it.each(cases)(
    '%s: alarms when its oldest message is older than the topology allows',
    (name, definition) => {
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: importOf('QueueName', logicalIdOf(stacks.stateful.queues[name].queue)),
          },
        ],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: definition.oldestMessageAlarmSeconds,
        AlarmActions: [Match.anyValue()],
      });
    },
  );

  it('has exactly one DLQ-depth alarm and one age alarm per queue, and one error alarm per function', () => {
    const alarms = resourcesOfType(stateless, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties ?? {},
    );
    const count = (metric: string) => alarms.filter((alarm) => alarm.MetricName === metric).length;
    expect(count('ApproximateNumberOfMessagesVisible')).toBe(Object.keys(queues).length);
    expect(count('ApproximateAgeOfOldestMessage')).toBe(Object.keys(queues).length);
    expect(count('Errors')).toBe(Object.keys(functions).length);
  });

  it('notifies an encrypted, TLS-only SNS topic', () => {
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    stateless.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the alarm email when basis:alarmEmail is set', () => {
    const withEmail = synthesizeBasis({ context: { 'basis:alarmEmail': 'oncall@test.example' } });
    withEmail.stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@test.example',
    });
  });

  it('has a dashboard', () => {
    stateless.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
