import { randomUUID } from 'node:crypto';
import { type FunctionName, functions } from '@basis/shared';
import type { Context } from 'aws-lambda';

/**
 * What Lambda hands a handler, played locally: a fresh request id per invocation and a deadline from the function's
 * timeout in the topology, so middlewares (Powertools' request id, middy's timeout) and time-aware work (payout
 * reconciliation) behave as they do in AWS.
 */
export function lambdaContext(functionName: FunctionName): Context {
  const deadline = Date.now() + functions[functionName].timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(functions[functionName].memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
