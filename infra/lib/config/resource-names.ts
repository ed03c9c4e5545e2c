/**
 * Names of everything a stage owns. Every stack name and every physical name we set goes through here, so two
 * stages (`-c basis:stage=…`) can live in one account and region without a name in common.
 */

/** `webhookIngest` → `webhook-ingest`; `WebhookIngest` → `webhook-ingest`; `payments` stays. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** `BasisStateful-<stage>` / `BasisStateless-<stage>`: the CloudFormation stack names (and construct ids). */
export function stackName(kind: 'stateful' | 'stateless', stage: string): string {
  return `${kind === 'stateful' ? 'BasisStateful' : 'BasisStateless'}-${stage}`;
}

/** `basis-<stage>-<parts in kebab case>`: queues, functions, alarms, the dashboard, the API. */
export function resourceName(stage: string, ...parts: string[]): string {
  return ['basis', stage, ...parts.map(kebabCase)].join('-');
}

/** Lambda's limit on a function name. */
const maxFunctionNameLength = 64;

/** The function's name, `basis-<stage>-<topology name>`, e.g. `basis-prod-webhook-ingest`. */
export function functionName(stage: string, name: string): string {
  const value = resourceName(stage, name);
  if (value.length > maxFunctionNameLength) {
    throw new Error(`function name ${value} is longer than Lambda's ${maxFunctionNameLength} characters`);
  }
  return value;
}

/** The function's log group, where Lambda would put it for that function name. */
export function functionLogGroupName(stage: string, name: string): string {
  return `/aws/lambda/${functionName(stage, name)}`;
}

/** The HTTP API's access log group. */
export function accessLogGroupName(stage: string): string {
  return `/basis/${stage}/http-api/access`;
}

/** One CloudWatch metrics namespace per stage, so that dev traffic never shows in prod's graphs or alarms. */
export function metricsNamespace(stage: string): string {
  return `Basis/${stage}`;
}
