import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addBasisStacks, type BasisStacks } from '../lib/basis-app.ts';
import { contextKeys } from '../lib/config/basis-context.ts';

/** Context values that differ from cdk.json, so that a test proves they come from context. */
export const testContext = {
  [contextKeys.jwtIssuer]: 'https://issuer.test.example/basis',
  [contextKeys.jwtAudience]: 'basis-test-audience',
  [contextKeys.publicBaseUrl]: 'https://hooks.test.example',
  [contextKeys.clinicSecretPrefix]: 'basis-test/clinics/',
} as const;

export interface SynthesizedBasis {
  app: App;
  stacks: BasisStacks;
  stateful: Template;
  stateless: Template;
}

export interface SynthesizeOptions {
  context?: Record<string, unknown>;
  /** The CDK's built-in CloudFormation validation costs about 2 s per app; off unless a test is about it. */
  builtinCloudFormationValidation?: boolean;
}

/**
 * Builds both stacks the way `bin/app.ts` does, without esbuild: `aws:cdk:bundling-stacks: []` makes every
 * NodejsFunction use a placeholder asset, which keeps a test file around a second.
 */
export function synthesizeBasis(options: SynthesizeOptions = {}): SynthesizedBasis {
  const app = new App({
    builtinCloudFormationValidation: options.builtinCloudFormationValidation ?? false,
    context: { 'aws:cdk:bundling-stacks': [], ...testContext, ...options.context },
  });
  const stacks = addBasisStacks(app);
  return {
    app,
    stacks,
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
  };
}
