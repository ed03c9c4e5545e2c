import { tmpdir } from 'node:os';
import { envNames, type FunctionDefinition, type FunctionName, httpRoutes } from '@basis/shared';
import { Duration, RemovalPolicy, Stage, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PowertoolsLogLevel } from '../config/basis-context.ts';
import { repositoryRoot, resolveFromRepositoryRoot, rootLockFile } from '../config/repository-paths.ts';
import { functionLogGroupName, functionName, metricsNamespace } from '../config/resource-names.ts';
import { functionBundling } from './function-bundling.ts';

/** The newest Node.js runtime aws-cdk-lib offers; the bundle targets the same major (`bundleTarget`). */
export const basisRuntime = Runtime.NODEJS_24_X;

/**
 * X-Ray mode of a function. Lambda samples an invocation it traces by itself at the account's default rule (the
 * first request each second, then 5 %) and applies no custom sampling rule to it, so the mode is the only lever:
 * `Active` for the functions our users call (the JWT routes) and the scheduled ones (a few invocations an hour),
 * `PassThrough` for webhook ingest, the workers and the health probe, whose volume is Stripe's or a prober's. With
 * PassThrough Lambda records a trace only when the caller's trace header says `Sampled=1`; HTTP APIs send none and
 * ingest sends none to SQS, so those functions are not traced. docs/architecture.md, "Bundles, logs and traces".
 */
export function tracingOf(name: FunctionName, definition: FunctionDefinition): Tracing {
  const servesUsers = httpRoutes.some((route) => route.function === name && route.auth.kind === 'jwt');
  return servesUsers || definition.schedule !== undefined ? Tracing.ACTIVE : Tracing.PASS_THROUGH;
}

/**
 * Lambda's application log level for a Powertools level. It must match: with JSON logging Lambda sets
 * `AWS_LAMBDA_LOG_LEVEL` (INFO unless told), and Powertools Logger obeys it over `POWERTOOLS_LOG_LEVEL`. Lambda has
 * no SILENT or CRITICAL; FATAL is its highest.
 */
export function applicationLogLevelOf(level: PowertoolsLogLevel): ApplicationLogLevel {
  if (level === 'SILENT' || level === 'CRITICAL') return ApplicationLogLevel.FATAL;
  return ApplicationLogLevel[level];
}

/**
 * Lambda's own log lines kept: WARN and above. START, END and REPORT are INFO, so none is ingested; the REPORT
 * figures (duration, memory, init) stay in Lambda's metrics.
 */
export const platformLogLevel = SystemLogLevel.WARN;

/** The deployment stage, as the runtime sees it (e.g. to tag logs or pick per-stage behaviour). */
export const stageEnvName = envNames.stage;

export interface BasisFunctionProps {
  /** The function's name in the topology; its physical name is `basis-<stage>-<name>`. */
  name: FunctionName;
  /** The function's entry in the topology: entry, memory, timeout, description, service. */
  definition: FunctionDefinition;
  /** The deployment stage: in the function's name, its log group's name and its metrics namespace. */
  stage: string;
  /** Powertools Logger's level (`POWERTOOLS_LOG_LEVEL`). */
  logLevel: PowertoolsLogLevel;
}

/**
 * Every Basis Lambda function: Node.js 24 on arm64, a minified ESM bundle with its source map beside it (shipped,
 * not loaded: no `--enable-source-maps`) and the packages it loads on first use beside it (`functionBundling`),
 * X-Ray by `tracingOf`,
 * JSON logs without Lambda's own INFO lines (START, END, REPORT), its own log group with a retention, and its own role that starts with nothing but writing to
 * that log group. Named `basis-<stage>-<name>`, with the Powertools settings of its stage (service name,
 * one metrics namespace per stage, log level). Access to the table, queues and secrets is added with the
 * `bind*` helpers.
 */
export class BasisFunction extends NodejsFunction {
  readonly definition: FunctionDefinition;

  constructor(scope: Construct, id: string, props: BasisFunctionProps) {
    const { definition, stage } = props;
    // A role and log group made here, not by the Lambda construct: the default role carries the
    // AWSLambdaBasicExecutionRole managed policy (logs:CreateLogGroup on *), this one only writes to its group.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      logGroupName: functionLogGroupName(stage, props.name),
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      functionName: functionName(stage, props.name),
      entry: resolveFromRepositoryRoot(definition.entry),
      handler: 'handler',
      description: definition.description,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      runtime: basisRuntime,
      architecture: Architecture.ARM_64,
      tracing: tracingOf(props.name, definition),
      // JSON, and Lambda's own lines only from WARN up: START, END and REPORT (INFO) were three of the five lines an
      // event cost in CloudWatch Logs; the REPORT figures stay in Lambda's metrics. Our lines are Powertools JSON,
      // filtered at the stage's level (`basis:logLevel`, WARN by default).
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: platformLogLevel,
      applicationLogLevelV2: applicationLogLevelOf(props.logLevel),
      logGroup,
      role,
      projectRoot: repositoryRoot,
      depsLockFilePath: rootLockFile,
      environment: {
        POWERTOOLS_SERVICE_NAME: definition.service,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(stage),
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        [stageEnvName]: stage,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      // The esbuild build, and the deferred packages (the Stripe SDK) shipped beside the handler: function-bundling.ts.
      bundling: functionBundling(definition, Stage.of(scope)?.outdir ?? tmpdir()),
    });
    this.definition = definition;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions (xray:PutTraceSegments, xray:PutTelemetryRecords) that active tracing adds use Resource "*": X-Ray does not support resource-level permissions for them.',
    });
  }
}
