import { fmt } from './support/stats.ts';
import { accessLogTemplate, webhookPathObservability } from './support/system.ts';

/**
 * AWS list prices, us-east-1, USD, as of November 2026 (standard tiers, free tiers ignored). Check them against
 * aws.amazon.com/<service>/pricing before quoting a figure.
 */
export const prices = {
  /** API Gateway HTTP API, per request (first 300 M a month; metered in 512 KB increments). */
  apiGatewayHttpRequest: 1.0 / 1e6,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda on arm64, per GB-second (first 6 B GB-s a month). */
  lambdaArmGbSecond: 0.0000133334,
  /** SQS standard queue, per request; each 64 KB chunk of a payload is billed as one request. */
  sqsRequest: 0.4 / 1e6,
  /** DynamoDB on-demand, per write request unit (1 KB) and per read request unit (4 KB strongly consistent). */
  dynamoWru: 0.625 / 1e6,
  dynamoRru: 0.125 / 1e6,
  /** CloudWatch Logs, Standard class, per GB ingested (10^9 bytes). */
  logsIngestGb: 0.5,
  /** X-Ray, per trace recorded. */
  xrayTrace: 5.0 / 1e6,
} as const;

/** What the model assumes where the bench cannot measure AWS itself. */
export const assumptions = {
  /** Billed duration of one ingest invocation: secret from the in-memory cache, one SQS SendMessage in-region. */
  ingestDurationMs: 20,
  /** Billed duration of one payments-worker invocation by batch size (records run in parallel in a batch). */
  workerDurationMs: { 1: 25, 10: 45 } as Record<number, number>,
  /**
   * X-Ray's default sampling rule for an actively traced function (Lambda takes no custom rule): 1 request a second
   * per account, then 5 %. The reservoir is a fixed monthly amount (≤ 2.6 M traces), left out; each invocation is
   * taken as its own trace. A PassThrough function records only what arrives sampled, and nothing on the webhook
   * path does (HTTP APIs send no trace header), so it counts 0: `webhookPathObservability()` says which infra set.
   */
  xraySamplingRate: 0.05,
  /**
   * Lambda's own lines per invocation (as text): START, END, REPORT, and XRAY when sampled; counted only when infra
   * lets INFO platform lines through (it sets WARN: none is ingested).
   */
  platformLines: {
    start: 'START RequestId: 8f5b2c1e-3b7a-4d4e-9a57-1c2d3e4f5a6b Version: $LATEST',
    end: 'END RequestId: 8f5b2c1e-3b7a-4d4e-9a57-1c2d3e4f5a6b',
    report:
      'REPORT RequestId: 8f5b2c1e-3b7a-4d4e-9a57-1c2d3e4f5a6b\tDuration: 18.42 ms\tBilled Duration: 19 ms\tMemory Size: 512 MB\tMax Memory Used: 96 MB\t',
    xray: 'XRAY TraceId: 1-6749f3a2-5ac6c58f3bd5f8f4b2e1a9c7\tSegmentId: 6a1f3c2b9d4e8f70\tSampled: true\t',
  },
  /** Values that fill the access-log template for one webhook request. */
  accessLogValues: {
    '$context.requestId': 'Jx1yZg2mIAMEVxQ=',
    '$context.requestTime': '29/Nov/2026:17:45:42 +0000',
    '$context.identity.sourceIp': '54.187.174.169',
    '$context.routeKey': 'POST /stripe_webhook/{clinicId}',
    '$context.status': '200',
    '$context.protocol': 'HTTP/1.1',
    '$context.responseLength': '16',
    '$context.responseLatency': '24',
    '$context.integrationLatency': '22',
    '$context.integrationErrorMessage': '-',
    '$context.authorizer.error': '-',
  } as Record<string, string>,
} as const;

/** Measured inputs of the model. */
export interface CostInputs {
  /** Write and read request units per applied event (bench section b). */
  wruPerEvent: number;
  rruPerEvent: number;
  /** Bytes of one queue message (body and attributes). */
  messageBytes: number;
  /** Application log bytes per event, by function (Powertools lines, measured). */
  ingestLogBytes: number;
  workerLogBytes: number;
  ingestMemoryMb: number;
  workerMemoryMb: number;
}

export interface CostLine {
  item: string;
  detail: string;
  /** USD per million webhook events. */
  usd: number;
}

export interface CostModel {
  batch: number;
  lines: CostLine[];
  total: number;
}

const million = 1e6;

function lineBytes(line: string): number {
  return Buffer.byteLength(line) + 1;
}

/** Bytes of one access-log line: infra's template with typical values of a webhook request. */
export function accessLogBytes(): number {
  let line = accessLogTemplate();
  for (const [variable, value] of Object.entries(assumptions.accessLogValues))
    line = line.split(variable).join(value);
  return lineBytes(line);
}

/** Fraction of the webhook path's invocations X-Ray records: ingest's and the worker's. */
function tracedFractions(): { ingest: number; worker: number } {
  const set = webhookPathObservability();
  return {
    ingest: set.ingestTraced ? assumptions.xraySamplingRate : 0,
    worker: set.workerTraced ? assumptions.xraySamplingRate : 0,
  };
}

function platformBytesPerInvocation(traced: number): number {
  if (!webhookPathObservability().platformLinesLogged) return 0;
  const { start, end, report, xray } = assumptions.platformLines;
  return lineBytes(start) + lineBytes(end) + lineBytes(report) + traced * lineBytes(xray);
}

/** The cost of a million webhook events through API Gateway → ingest → SQS → payments worker → DynamoDB. */
export function costPerMillion(inputs: CostInputs, batch: number): CostModel {
  const workerInvocations = million / batch;
  const workerMs = assumptions.workerDurationMs[batch] ?? assumptions.workerDurationMs[10] ?? 45;
  const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / 65_536));
  const gbSeconds =
    million * (inputs.ingestMemoryMb / 1024) * (assumptions.ingestDurationMs / 1000) +
    workerInvocations * (inputs.workerMemoryMb / 1024) * (workerMs / 1000);
  const sqsRequests =
    million * chunks(inputs.messageBytes) + workerInvocations * (chunks(batch * inputs.messageBytes) + 1);
  const traced = tracedFractions();
  const platformBytes =
    million * platformBytesPerInvocation(traced.ingest) +
    workerInvocations * platformBytesPerInvocation(traced.worker);
  const logBytes =
    million * (inputs.ingestLogBytes + inputs.workerLogBytes + accessLogBytes()) + platformBytes;
  const traces = traced.ingest * million + traced.worker * workerInvocations;
  const lines: CostLine[] = [
    { item: 'API Gateway HTTP API', detail: '1 request/event', usd: million * prices.apiGatewayHttpRequest },
    {
      item: 'Lambda requests',
      detail: `ingest 1/event + worker 1/${batch} events`,
      usd: (million + workerInvocations) * prices.lambdaRequest,
    },
    {
      item: 'Lambda GB-s (arm64)',
      detail: `ingest ${inputs.ingestMemoryMb} MB × ${assumptions.ingestDurationMs} ms, worker ${inputs.workerMemoryMb} MB × ${workerMs} ms/batch`,
      usd: gbSeconds * prices.lambdaArmGbSecond,
    },
    {
      item: 'SQS',
      detail: `send ${chunks(inputs.messageBytes)}/event + receive ${chunks(batch * inputs.messageBytes)} + delete 1 per batch of ${batch} (${fmt(inputs.messageBytes)} B messages)`,
      usd: sqsRequests * prices.sqsRequest,
    },
    {
      item: 'DynamoDB writes',
      detail: `${fmt(inputs.wruPerEvent, 2)} WRU/event (measured)`,
      usd: million * inputs.wruPerEvent * prices.dynamoWru,
    },
    {
      item: 'DynamoDB reads',
      detail: `${fmt(inputs.rruPerEvent, 2)} RRU/event (measured)`,
      usd: million * inputs.rruPerEvent * prices.dynamoRru,
    },
    {
      item: 'CloudWatch Logs',
      detail: `${fmt(logBytes / million)} B/event: app ${fmt(inputs.ingestLogBytes + inputs.workerLogBytes)} (measured) + access ${accessLogBytes()} + Lambda's own ${fmt(platformBytes / million)}`,
      usd: (logBytes / 1e9) * prices.logsIngestGb,
    },
    {
      item: 'X-Ray traces',
      detail: `ingest ${traced.ingest * 100} %, worker ${traced.worker * 100} % of invocations (infra: ${traced.ingest + traced.worker === 0 ? 'PassThrough, no sampled header arrives' : 'active tracing'})`,
      usd: traces * prices.xrayTrace,
    },
  ];
  return { batch, lines, total: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/**
 * The architecture's floor per million events: what no implementation of API Gateway → Lambda → SQS → Lambda →
 * DynamoDB can avoid (one API request, one SQS send, batched receive and delete, the Lambda requests, one WRU).
 */
export function floorPerMillion(batch = 10): CostModel {
  const lines: CostLine[] = [
    { item: 'API Gateway HTTP API', detail: '1 request/event', usd: million * prices.apiGatewayHttpRequest },
    {
      item: 'SQS',
      detail: `send 1/event + receive 1 + delete 1 per batch of ${batch}`,
      usd: (million + (2 * million) / batch) * prices.sqsRequest,
    },
    {
      item: 'Lambda requests',
      detail: `ingest 1/event + worker 1/${batch} events`,
      usd: (million + million / batch) * prices.lambdaRequest,
    },
    { item: 'DynamoDB writes', detail: '1 WRU/event', usd: million * prices.dynamoWru },
  ];
  return { batch, lines, total: lines.reduce((sum, line) => sum + line.usd, 0) };
}
