import { readFileSync } from 'node:fs';
import { httpRoutes, modes, queues, routeKey, stripeFailureKinds } from '@basis/shared';
import { describe, expect, it } from 'vitest';
import { pascalCase } from '../lib/config/construct-ids.ts';
import { resourceName } from '../lib/config/resource-names.ts';
import { headingAnchor, runbookSections } from '../lib/monitoring/runbook-sections.ts';
import { synthesizeBasis } from './synthesize-basis.ts';
import { type CfnResourceJson, resourcesOfType } from './template-queries.ts';

const stage = 'ops-1';
const { stateless } = synthesizeBasis({ context: { 'basis:stage': stage } });
const alarms = resourcesOfType(stateless, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
const [topicId] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
const runbook = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
const runbookAnchors = new Set(
  [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((match) => headingAnchor(match[1] ?? '')),
);

function alarmNamed(id: string): CfnResourceJson['Properties'] {
  const name = resourceName(stage, id);
  const alarm = alarms.find((properties) => properties.AlarmName === name);
  if (!alarm) throw new Error(`no alarm ${name}`);
  return alarm;
}

/** An alarm on one of our own metrics: the stage's namespace, exactly these dimensions, a Sum over 5 minutes. */
function expectCustomMetricAlarm(
  id: string,
  metric: string,
  dimensions: Record<string, string>,
  threshold: number,
) {
  expect(alarmNamed(id)).toMatchObject({
    Namespace: `Basis/${stage}`,
    MetricName: metric,
    Dimensions: Object.entries(dimensions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Name, Value]) => ({ Name, Value })),
    Statistic: 'Sum',
    Period: 300,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  });
}

/** An alarm on a Metrics Insights query over one of our metrics, in the stage's namespace. */
function expectQueryAlarm(id: string, expression: string, threshold: number) {
  const alarm = alarmNamed(id);
  expect(alarm.Metrics).toEqual([
    expect.objectContaining({ Expression: expression, Period: 300, ReturnData: true }),
  ]);
  expect(alarm.Threshold).toBe(threshold);
}

describe('alarms on the failures our code handles itself', () => {
  it.each(httpRoutes.map((route) => [routeKey(route), route] as const))(
    'ApiServerError of %s, by route and function',
    (key, route) => {
      expectCustomMetricAlarm(
        `ApiServerError${pascalCase(`${route.method} ${route.path}`)}`,
        'ApiServerError',
        { service: route.function, route: key },
        1,
      );
    },
  );

  it("the HTTP API's own 5xx (API Gateway's metric for this API)", () => {
    expect(alarmNamed('HttpApi5xx')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: expect.anything() }],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('webhooks refused for a bad signature, and verified webhooks that could not be enqueued (every mode)', () => {
    expectCustomMetricAlarm(
      'WebhookInvalidSignatures',
      'WebhookRefused',
      { service: 'webhookIngest', reason: 'invalid_signature' },
      5,
    );
    const enqueue = alarmNamed('WebhookEnqueueFailed');
    const metrics = enqueue.Metrics as Array<Record<string, unknown>>;
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe(
      modes.map((mode) => `FILL(${mode}, 0)`).join(' + '),
    );
    for (const mode of modes) {
      expect(metrics).toContainEqual(
        expect.objectContaining({
          Id: mode,
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: `Basis/${stage}`,
              MetricName: 'WebhookEnqueueFailed',
              Dimensions: [
                { Name: 'mode', Value: mode },
                { Name: 'service', Value: 'webhookIngest' },
              ],
            },
            Stat: 'Sum',
          }),
        }),
      );
    }
  });

  it.each(Object.entries(queues))(
    'failed records of the %s queue (WorkerOutcome failed)',
    (name, definition) => {
      expectCustomMetricAlarm(
        `${pascalCase(name)}WorkerFailures`,
        'WorkerOutcome',
        { service: definition.consumer, queue: name, outcome: 'failed' },
        1,
      );
    },
  );

  it('internal messages, refunds stuck pending and the sweep', () => {
    expectQueryAlarm('InternalMessageFailures', `SELECT SUM(InternalMessageFailed) FROM "Basis/${stage}"`, 1);
    expectCustomMetricAlarm('RefundStuckPending', 'RefundStuckPending', { service: 'refundsWorker' }, 1);
    expectQueryAlarm('SweepHealedEvents', `SELECT SUM(SweepHealedEvents) FROM "Basis/${stage}"`, 1);
    expectQueryAlarm('SweepFailedEvents', `SELECT SUM(SweepFailedEvents) FROM "Basis/${stage}"`, 1);
  });

  it.each(stripeFailureKinds)('Stripe calls failing with kind %s', (kind) => {
    const alarm = alarmNamed(`StripeCallFailed${pascalCase(kind)}`);
    expect(alarm.Metrics).toEqual([
      expect.objectContaining({
        Expression: `SELECT SUM(StripeCallFailed) FROM "Basis/${stage}" WHERE kind = '${kind}'${
          // An admin's mistyped key and a restricted key's permission probes while connecting are not a page.
          kind === 'key_rejected' || kind === 'permission' ? " AND service != 'connectApi'" : ''
        }`,
      }),
    ]);
    expect(alarm.Threshold).toBeGreaterThanOrEqual(1);
  });
});

describe('every alarm', () => {
  it('notifies the alarm topic on ALARM and on OK', () => {
    expect(alarms.length).toBeGreaterThan(40);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('names a section of docs/runbook.md that exists', () => {
    for (const alarm of alarms) {
      const link = /Runbook: docs\/runbook\.md#([a-z0-9-]+)$/.exec(String(alarm.AlarmDescription));
      expect(link, String(alarm.AlarmName)).not.toBeNull();
      expect(runbookAnchors, String(alarm.AlarmName)).toContain(link?.[1]);
    }
    // And every section the alarms may name is in the runbook.
    for (const heading of Object.values(runbookSections))
      expect(runbookAnchors).toContain(headingAnchor(heading));
  });

  it("puts each stage's alarms on its own namespace", () => {
    const other = synthesizeBasis({ context: { 'basis:stage': 'ops-2' } });
    const namespaces = resourcesOfType(other.stateless, 'AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties.Namespace)
      .filter((namespace) => typeof namespace === 'string' && namespace.startsWith('Basis/'));
    expect(new Set(namespaces)).toEqual(new Set(['Basis/ops-2']));
  });
});

describe('the dashboard', () => {
  const [dashboard] = resourcesOfType(stateless, 'AWS::CloudWatch::Dashboard').map(
    ([, resource]) => resource,
  );
  const body = JSON.stringify(dashboard?.Properties.DashboardBody);

  it(`is named basis-${stage}`, () => {
    expect(dashboard?.Properties.DashboardName).toBe(`basis-${stage}`);
  });

  it.each([
    'Webhooks received → enqueued → applied',
    'Worker outcomes by queue',
    'Queue depth (visible messages)',
    'Oldest message age (s)',
    'Dead-letter queue depth',
    'API 5xx by route',
    'Stripe call failures by kind',
    'Worker and internal failures',
    'Function duration p99 (ms)',
    'DynamoDB write units per event',
    'Events per worker batch',
  ])('shows %s', (title) => {
    expect(body).toContain(JSON.stringify(title).slice(1, -1));
  });

  it("graphs our metrics from the stage's namespace, and the cost drivers from AWS's", () => {
    for (const query of [
      `SELECT SUM(WebhookAccepted) FROM \\\\\\"Basis/${stage}\\\\\\"`,
      `SELECT SUM(WorkerOutcome) FROM \\\\\\"Basis/${stage}\\\\\\" GROUP BY queue, outcome`,
      `SELECT SUM(StripeCallFailed) FROM \\\\\\"Basis/${stage}\\\\\\" GROUP BY kind`,
    ]) {
      expect(body).toContain(query);
    }
    expect(body).toContain('ConsumedWriteCapacityUnits');
    expect(body).toContain('NumberOfMessagesDeleted');
    expect(body).toContain('writes / (FILL(deleted0, 0)');
  });
});
