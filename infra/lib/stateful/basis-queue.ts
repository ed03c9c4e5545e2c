import type { QueueDefinition } from '@basis/shared';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BasisQueueProps {
  definition: QueueDefinition;
  /** `basis-<stage>-<queue>`; the DLQ adds `-dlq`. A fixed name makes a redrive one command. */
  queueName: string;
}

/** A worker queue and its own dead-letter queue, both SQS-encrypted and TLS-only, timings from the topology. */
export class BasisQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly definition: QueueDefinition;

  constructor(scope: Construct, id: string, props: BasisQueueProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${props.queueName}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(definition.dlqRetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(definition.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
