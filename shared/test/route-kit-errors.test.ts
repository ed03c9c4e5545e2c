import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/src/lambda-context.ts';
import { createObservability, type HttpEvent, jwtHttpFunction } from '../src/index.ts';

function apiEvent(): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'GET /v1/clinics/{clinicId}/payments',
    rawPath: '/v1/clinics/clinic_1/payments',
    rawQueryString: '',
    headers: {},
    pathParameters: { clinicId: 'clinic_1' },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'apigw-request-1',
      authorizer: { jwt: { claims: { sub: 'user_1', clinic_id: 'clinic_1', role: 'staff' }, scopes: null } },
    },
  } as unknown as HttpEvent;
}

/** A route that fails with `error`, answered through the route kit. */
async function answerTo(error: Error) {
  const handler = jwtHttpFunction({
    observability: createObservability('paymentsApi', { logLevel: 'SILENT' }),
    cors: { allowedOrigins: [] },
    deps: {},
    routes: {
      'GET /v1/clinics/{clinicId}/payments': async () => {
        throw error;
      },
    },
  });
  const answer = await handler(apiEvent(), lambdaContext('paymentsApi'));
  return { status: answer.statusCode, error: JSON.parse(answer.body ?? '{}').error };
}

/** An AWS SDK error as the client surfaces it once its own retries are spent (DynamoDB throttling, SQS 5xx). */
function awsError(name: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode: 400 }, ...fields });
}

describe('the route kit’s answer to a failing AWS dependency', () => {
  it('answers 503 service_unavailable, not a 500, when DynamoDB throttles past the SDK’s retries', async () => {
    const answer = await answerTo(
      awsError('ProvisionedThroughputExceededException', {
        $fault: 'client',
        $retryable: { throttling: true },
      }),
    );
    expect(answer).toMatchObject({ status: 503, error: { code: 'service_unavailable' } });
  });

  it('answers 503 when an AWS service fails on its side', async () => {
    const answer = await answerTo(awsError('InternalServerError', { $fault: 'server' }));
    expect(answer).toMatchObject({ status: 503, error: { code: 'service_unavailable' } });
  });

  it('still answers 500 internal_error to a bug, and to an AWS error that retrying cannot fix', async () => {
    expect(await answerTo(new Error('a bug'))).toMatchObject({
      status: 500,
      error: { code: 'internal_error' },
    });
    expect(await answerTo(awsError('ValidationException', { $fault: 'client' }))).toMatchObject({
      status: 500,
      error: { code: 'internal_error' },
    });
  });
});
