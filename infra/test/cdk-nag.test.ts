import fs from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { addBasisStacks, addNagChecks } from '../lib/basis-app.ts';
import { synthesizeBasis, testContext } from './synthesize-basis.ts';

interface ValidationReport {
  pluginReports: { pluginName: string; violations?: { ruleName: string; severity?: string }[] }[];
}

describe('cdk-nag AwsSolutions checks', () => {
  it.each([
    ['the default context', {}],
    [
      'another stage with CORS',
      { 'basis:stage': 'prod', 'basis:allowedOrigins': 'https://app.test.example' },
    ],
  ])('report no unacknowledged finding once cross-stack references are resolved: %s', (_, context) => {
    // Template.fromStack synthesizes the app first, as `cdk synth` does before it runs the plugins.
    const { app } = synthesizeBasis({ context });
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('let the app synthesize as `cdk synth` does: nag plugin and CloudFormation validation, strict', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:strictCfnValidateErrors': true,
        ...testContext,
      },
    });
    addBasisStacks(app);
    addNagChecks(app);
    const assembly = app.synth();
    const report = JSON.parse(
      fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const violations = report.pluginReports.flatMap((plugin) =>
      (plugin.violations ?? []).map((violation) => `${plugin.pluginName}: ${violation.ruleName}`),
    );
    expect(violations).toEqual([]);
  });
});
