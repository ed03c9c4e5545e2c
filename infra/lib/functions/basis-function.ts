import { envNames, type FunctionDefinition, type FunctionName } from '@basis/shared';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PowertoolsLogLevel } from '../config/basis-context.ts';
import { repositoryRoot, resolveFromRepositoryRoot, rootLockFile } from '../config/repository-paths.ts';
import { functionLogGroupName, functionName, metricsNamespace } from '../config/resource-names.ts';

/** The newest Node.js runtime aws-cdk-lib offers; the bundle targets the same major. */
export const basisRuntime = Runtime.NODEJS_24_X;
const bundleTarget = 'node24';

/** ESM bundles have no `require`; CommonJS dependencies inside the bundle still call it. */
const createRequireBanner =
  "import { createRequire as __basisCreateRequire } from 'node:module'; const require = __basisCreateRequire(import.meta.url);";

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
 * Every Basis Lambda function: Node.js 24 on arm64, a minified ESM bundle with source maps, active X-Ray
 * tracing, its own log group with a retention, and its own role that starts with nothing but writing to
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
      // Lambda samples by itself (1 request a second, then 5 %) and takes no X-Ray sampling rule: see README.
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: repositoryRoot,
      depsLockFilePath: rootLockFile,
      environment: {
        POWERTOOLS_SERVICE_NAME: definition.service,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(stage),
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        [stageEnvName]: stage,
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: bundleTarget,
        minify: true,
        sourceMap: true,
        // Mappings are enough for stack traces; the sources would triple the upload.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: createRequireBanner,
        // Bundle the SDK clients we pin instead of the runtime's copy: a known version, and smaller
        // cold starts than loading the runtime's full SDK from node_modules.
        bundleAwsSDK: true,
      },
    });
    this.definition = definition;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions (xray:PutTraceSegments, xray:PutTelemetryRecords) that active tracing adds use Resource "*": X-Ray does not support resource-level permissions for them.',
    });
  }
}
