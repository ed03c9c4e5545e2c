import { envNames } from '@basis/shared';
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';

export type SecretsAccess = 'read' | 'readWrite';

/** The runtime only ever calls GetSecretValue to read (see shared/src/secrets/). */
export const secretReadActions = ['secretsmanager:GetSecretValue'] as const;

/**
 * What the connect flow calls to store, replace and remove a clinic's secret (CreateSecret without tags,
 * PutSecretValue, DeleteSecret). Widen this list only together with the code that needs it.
 */
export const secretWriteActions = [
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
] as const;

/** The ARN pattern of every clinic secret: `arn:…:secretsmanager:<region>:<account>:secret:<prefix>*`. */
export function clinicSecretsArn(stack: Stack, prefix: string): string {
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${prefix}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Tells the function the clinic secret name prefix and allows it to read (or also write) the secrets under
 * that prefix, and no other secret. The secrets are created per clinic at runtime, so the prefix is the
 * narrowest resource there is.
 */
export function bindClinicSecrets(fn: LambdaFunction, prefix: string, access: SecretsAccess): void {
  if (prefix === '' || prefix.includes('*')) {
    throw new Error(`clinic secret prefix must be a non-empty name prefix, got "${prefix}"`);
  }
  fn.addEnvironment(envNames.clinicSecretPrefix, prefix);
  const actions =
    access === 'readWrite' ? [...secretReadActions, ...secretWriteActions] : [...secretReadActions];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: [clinicSecretsArn(Stack.of(fn), prefix)] }));
  if (fn.role) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
      reason:
        'One secret per clinic, created at runtime when a clinic connects Stripe, so the name prefix is the narrowest resource that can be named; the wildcard also covers the random suffix Secrets Manager appends to every secret ARN.',
    });
  }
}
