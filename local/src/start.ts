import { rm } from 'node:fs/promises';
import { envNames, parseOrigins } from '@basis/shared';
import { startStripeSimulator } from '@basis/stripe-sim';
import { signDevToken } from './dev-jwt.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { localDataDir, localSecretsDir } from './local-data.ts';
import { startLocalStack } from './local-stack.ts';
import { startSqsLocal } from './sqs-local.ts';

/**
 * `npm start`: the whole system on this machine, no AWS and no internet. DynamoDB Local (child JVM), fauxqs
 * (in-process SQS), the Stripe simulator, the API on PORT (3000) and the queue pollers. Ctrl-C stops all of it.
 */
// Metrics are EMF lines on stdout, as in Lambda; locally they would drown the logs, so they are off unless asked for
// (POWERTOOLS_METRICS_DISABLED=false npm start). The namespace is the local stage's.
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Basis/local';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const port = Number(process.env.PORT ?? 3000);
const stripePort = Number(process.env.STRIPE_SIM_PORT ?? 12111);
const demoClinicId = 'clinic_demo';
/** Browser origins allowed on the `/v1` routes: the frontend's dev server unless told otherwise. */
const allowedOrigins = parseOrigins(process.env[envNames.allowedOrigins] ?? 'http://localhost:5173');

const stoppers: Array<() => Promise<void>> = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => console.error(error));
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  // Tables, queues and the simulator live in memory: secrets kept from an earlier run would name Stripe accounts
  // and webhook endpoints that no longer exist, so every run starts clean.
  await rm(localSecretsDir, { recursive: true, force: true });
  const dynamo = await startDynamoDbLocal();
  stoppers.push(dynamo.stop);
  const sqs = await startSqsLocal();
  stoppers.push(sqs.stop);
  const stripe = await startStripeSimulator({ port: stripePort });
  stoppers.push(stripe.close);
  const stack = await startLocalStack({
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    dataDir: localDataDir,
    port,
    stripeApiUrl: stripe.url,
    stripeNow: stripe.now,
    allowedOrigins,
  });
  stoppers.push(stack.stop);
  // The missed-event sweep runs every 15 minutes in AWS; locally every minute (BASIS_LOCAL_SWEEP_SECONDS).
  const sweepEvery = Number(process.env.BASIS_LOCAL_SWEEP_SECONDS ?? 60) * 1000;
  const sweep = setInterval(() => {
    stack.runScheduled('eventSweeper').catch((error: unknown) => console.error('sweep failed', error));
  }, sweepEvery);
  stoppers.push(async () => clearInterval(sweep));
  const token = await signDevToken({ clinicId: demoClinicId, role: 'clinic_admin' });
  console.log(`
Basis payments is running locally.
  API               ${stack.apiUrl}   (GET /health)
  Console           ${stack.apiUrl}/console/   (local only: signs in with dev tokens from POST /_local/token)
  API reference     ${stack.apiUrl}/docs   (OpenAPI: ${stack.apiUrl}/openapi.json)
  CORS origins      ${allowedOrigins.join(', ') || 'none'}   (BASIS_ALLOWED_ORIGINS)
  Stripe simulator  ${stripe.url}
  DynamoDB Local    ${dynamo.endpoint}   table ${stack.tableName}
  SQS (fauxqs)      ${sqs.endpoint}   queues ${Object.keys(stack.queues).join(', ')} (each with a DLQ)
  Local state       ${localDataDir}

A clinic-admin token for ${demoClinicId} (12 h):
  ${token}

Press Ctrl-C to stop.`);
} catch (error) {
  console.error('Could not start the local stack:', error);
  await stopAll(1);
}
