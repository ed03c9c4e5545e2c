import type { FunctionName } from '@basis/shared';
import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BasisHttpApi } from '../api/basis-http-api.ts';
import type { BasisContext } from '../config/basis-context.ts';
import type { BasisFunction } from '../functions/basis-function.ts';
import { BasisServices } from '../functions/basis-services.ts';
import { bindPublicBaseUrl } from '../functions/bind-public-base-url.ts';
import { AlarmTopic } from '../monitoring/alarm-topic.ts';
import { BasisAlarms } from '../monitoring/basis-alarms.ts';
import { BasisDashboard } from '../monitoring/basis-dashboard.ts';
import type { StatefulResources } from '../stateful/stateful-resources.ts';
import { scheduleFunctions } from '../workers/schedule-functions.ts';
import { subscribeWorkers } from '../workers/subscribe-workers.ts';

export interface StatelessStackProps extends StackProps {
  stateful: StatefulResources;
  context: BasisContext;
}

/** Code and its wiring: functions, the HTTP API, the queue subscriptions, alarms and the dashboard. */
export class StatelessStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, BasisFunction>>;
  readonly api: BasisHttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue) on purpose: CloudFormation then refuses to delete a table or
    // queue that functions still use. Removing one takes two deploys (see infra/README.md).
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { stateful, context } = props;

    const { stage } = context;

    this.functions = new BasisServices(this, 'Services', {
      ...stateful,
      clinicSecretPrefix: context.clinicSecretPrefix,
      stage,
      logLevel: context.logLevel,
    }).functions;

    this.api = new BasisHttpApi(this, 'Api', {
      functions: this.functions,
      jwtIssuer: context.jwtIssuer,
      jwtAudience: context.jwtAudience,
      stage,
      allowedOrigins: context.allowedOrigins,
    });
    subscribeWorkers(this.functions, stateful.queues);
    scheduleFunctions(this, this.functions);
    // Without a configured public URL (custom domain), Stripe is pointed at the API's own endpoint.
    const publicBaseUrl = context.publicBaseUrl ?? this.api.url;
    for (const fn of Object.values(this.functions)) {
      if (fn.definition.access.publicBaseUrl === true) bindPublicBaseUrl(fn, publicBaseUrl);
    }

    const alarmTopic = new AlarmTopic(this, 'AlarmTopic', { email: context.alarmEmail, stage });
    new BasisAlarms(this, 'Alarms', {
      functions: this.functions,
      queues: stateful.queues,
      httpApi: this.api.api,
      topic: alarmTopic.topic,
      stage,
    });
    new BasisDashboard(this, 'Dashboard', {
      functions: this.functions,
      queues: stateful.queues,
      table: stateful.table,
      httpApi: this.api.api,
      stage,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the HTTP API (Stripe webhook endpoints and /v1 routes live under it)',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topic.topicArn });
  }
}
