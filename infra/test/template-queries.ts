import type { FunctionName } from '@basis/shared';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { StatelessStack } from '../lib/stateless/stateless-stack.ts';

export interface CfnResourceJson {
  Type: string;
  /** Always present: resources without properties get `{}`. */
  Properties: Record<string, unknown>;
}

export interface PolicyStatementJson {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export function logicalIdOf(element: { node: { defaultChild?: unknown } }): string {
  const resource = element.node.defaultChild as CfnElement;
  return Stack.of(resource).getLogicalId(resource);
}

export function resourcesOfType(template: Template, type: string): [string, CfnResourceJson][] {
  return Object.entries(template.findResources(type)).map(([id, resource]) => [
    id,
    { Type: type, Properties: (resource as { Properties?: Record<string, unknown> }).Properties ?? {} },
  ]);
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: PolicyStatementJson): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Renders an intrinsic ARN as text: `{Ref: X}` → `${X}`, `Fn::Join` joined, `Fn::ImportValue` → `import(X)`. */
export function renderArn(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string') return `\${${record.Ref}}`;
    if (Array.isArray(record['Fn::Join'])) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(renderArn).join(separator);
    }
    if (record['Fn::ImportValue'] !== undefined) return `import(${renderArn(record['Fn::ImportValue'])})`;
    if (Array.isArray(record['Fn::GetAtt'])) return `getatt(${(record['Fn::GetAtt'] as string[]).join('.')})`;
  }
  return JSON.stringify(value);
}

/** Every Allow/Deny statement of every IAM policy (managed, inline or role-embedded) in a template. */
export function allPolicyStatements(template: Template): PolicyStatementJson[] {
  const statements: PolicyStatementJson[] = [];
  const documents: unknown[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [, resource] of resourcesOfType(template, type))
      documents.push(resource.Properties.PolicyDocument);
  }
  for (const [, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    const inline = (role.Properties.Policies ?? []) as { PolicyDocument: unknown }[];
    for (const policy of inline) documents.push(policy.PolicyDocument);
  }
  for (const document of documents) {
    statements.push(...((document as { Statement: PolicyStatementJson[] }).Statement ?? []));
  }
  return statements;
}

/** The Allow statements of the policies attached to one function's execution role. */
export function statementsOfFunction(
  template: Template,
  stack: StatelessStack,
  name: FunctionName,
): PolicyStatementJson[] {
  const role = stack.functions[name].role;
  if (!role) throw new Error(`${name} has no role`);
  const roleId = logicalIdOf(role);
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      ((policy.Properties.Roles ?? []) as { Ref?: string }[]).some((ref) => ref.Ref === roleId),
    )
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    )
    .filter((statement) => statement.Effect === 'Allow');
}

export function allowedActions(statements: PolicyStatementJson[]): string[] {
  return statements.flatMap(actionsOf);
}

/** The function resource's properties, found by the construct (not by guessing a logical id). */
export function functionProperties(
  template: Template,
  stack: StatelessStack,
  name: FunctionName,
): Record<string, unknown> {
  const id = logicalIdOf(stack.functions[name]);
  const resource = template.toJSON().Resources[id] as { Properties: Record<string, unknown> } | undefined;
  if (!resource) throw new Error(`no function resource ${id} for ${name}`);
  return resource.Properties;
}
