import { envNames } from '@basis/shared';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';

/** Tells a function the public base URL that Stripe reaches (used to register webhook endpoints). */
export function bindPublicBaseUrl(fn: LambdaFunction, publicBaseUrl: string): void {
  fn.addEnvironment(envNames.publicBaseUrl, publicBaseUrl);
}
