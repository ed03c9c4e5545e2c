import { envNames, functions, httpRoutes, queues } from '@basis/shared';
import { describe, expect, it } from 'vitest';
import { functionEntries } from '../lib/config/topology-entries.ts';
import { synthesizeBasis } from './synthesize-basis.ts';
import { functionProperties, logicalIdOf, renderArn, resourcesOfType } from './template-queries.ts';

const { stateless, stacks } = synthesizeBasis();
const logGroups = new Map(resourcesOfType(stateless, 'AWS::Logs::LogGroup'));

describe('functions generated from the topology', () => {
  it('has one Lambda function per topology function and no other', () => {
    expect(resourcesOfType(stateless, 'AWS::Lambda::Function')).toHaveLength(Object.keys(functions).length);
  });

  it.each(functionEntries())('%s: Node.js 24 on arm64', (name) => {
    expect(functionProperties(stateless, stacks.stateless, name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  it('traces actively only the functions users call and the scheduled ones; the webhook path passes through', () => {
    const modes = Object.fromEntries(
      functionEntries().map(([name]) => [
        name,
        (functionProperties(stateless, stacks.stateless, name).TracingConfig as { Mode: string }).Mode,
      ]),
    );
    // Lambda samples what it traces by the account's default rule and takes no custom rule: the mode is the lever.
    expect(modes.webhookIngest).toBe('PassThrough');
    expect(modes.health).toBe('PassThrough');
    for (const [name, definition] of functionEntries()) {
      const servesJwtRoute = httpRoutes.some((route) => route.function === name && route.auth.kind === 'jwt');
      const consumesQueue = Object.values(queues).some((queue) => queue.consumer === name);
      if (consumesQueue) expect(modes[name], name).toBe('PassThrough');
      else if (servesJwtRoute || 'schedule' in definition) expect(modes[name], name).toBe('Active');
      else expect(modes[name], name).toBe('PassThrough');
    }
    expect(Object.values(modes).filter((mode) => mode === 'Active').length).toBeGreaterThan(0);
  });

  it.each(functionEntries())(
    "%s: JSON logs; Lambda keeps its START/END/REPORT lines out, the application level is the stage's",
    (name) => {
      expect(functionProperties(stateless, stacks.stateless, name).LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        SystemLogLevel: 'WARN',
        // Must match POWERTOOLS_LOG_LEVEL: with JSON logs Powertools obeys Lambda's AWS_LAMBDA_LOG_LEVEL first.
        ApplicationLogLevel: 'WARN',
      });
    },
  );

  it.each(functionEntries())('%s: memory, timeout and description from the topology', (name, definition) => {
    expect(functionProperties(stateless, stacks.stateless, name)).toMatchObject({
      MemorySize: definition.memoryMb,
      Timeout: definition.timeoutSeconds,
      Description: definition.description,
    });
  });

  it.each(functionEntries())('%s: logs to its own log group, which has a retention', (name) => {
    const properties = functionProperties(stateless, stacks.stateless, name);
    const logGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(logGroups.get(logGroupId)?.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('no two functions share a log group or a role', () => {
    const all = functionEntries().map(([name]) => functionProperties(stateless, stacks.stateless, name));
    const logGroupIds = all.map((properties) => JSON.stringify(properties.LoggingConfig));
    const roles = all.map((properties) => JSON.stringify(properties.Role));
    expect(new Set(logGroupIds).size).toBe(all.length);
    expect(new Set(roles).size).toBe(all.length);
  });

  it.each(functionEntries())(
    '%s: service name and the SDK warning switch; source maps are not loaded at run time',
    (name, definition) => {
      const variables = (
        functionProperties(stateless, stacks.stateless, name).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: definition.service,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
      // `--enable-source-maps` parsed the map at every cold start; docs/architecture.md, "Bundles, logs and traces".
      expect(variables.NODE_OPTIONS).toBeUndefined();
    },
  );

  it.each(functionEntries())(
    '%s: named after its stage, with the Powertools settings of its stage',
    (name, definition) => {
      const properties = functionProperties(stateless, stacks.stateless, name);
      const kebab = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      expect(properties.FunctionName).toBe(`basis-dev-${kebab}`);
      const logGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logGroups.get(logGroupId)?.Properties.LogGroupName).toBe(`/aws/lambda/basis-dev-${kebab}`);
      expect((properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: definition.service,
        POWERTOOLS_METRICS_NAMESPACE: 'Basis/dev',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        BASIS_STAGE: 'dev',
      });
    },
  );

  it('takes the stage and the log level from context', () => {
    const prod = synthesizeBasis({ context: { 'basis:stage': 'prod', 'basis:logLevel': 'info' } });
    for (const [name] of functionEntries()) {
      const properties = functionProperties(prod.stateless, prod.stacks.stateless, name);
      expect(properties.FunctionName).toMatch(/^basis-prod-/);
      expect((properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'Basis/prod',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        BASIS_STAGE: 'prod',
      });
      expect(properties.LoggingConfig).toMatchObject({ ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
    }
  });

  it('no role carries a managed policy (each is scoped to its own log group)', () => {
    for (const [, role] of resourcesOfType(stateless, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('without basis:publicBaseUrl, functions that need a public URL get the API endpoint', () => {
    const withoutUrl = synthesizeBasis({ context: { 'basis:publicBaseUrl': '' } });
    const apiId = logicalIdOf(withoutUrl.stacks.stateless.api.api);
    const needing = functionEntries().filter(([, definition]) => definition.access.publicBaseUrl === true);
    expect(needing.length).toBeGreaterThan(0);
    for (const [name, definition] of functionEntries()) {
      const variables = (
        functionProperties(withoutUrl.stateless, withoutUrl.stacks.stateless, name).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      const value = variables[envNames.publicBaseUrl];
      if (definition.access.publicBaseUrl === true)
        expect(renderArn(value)).toMatch(new RegExp(`^https://\\$\\{${apiId}\\}\\.execute-api\\.`));
      else expect(value).toBeUndefined();
    }
  });
});
