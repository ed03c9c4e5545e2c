import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { functions } from '@basis/shared';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { resolveFromRepositoryRoot } from '../lib/config/repository-paths.ts';
import { functionEntries } from '../lib/config/topology-entries.ts';
import { BasisFunction } from '../lib/functions/basis-function.ts';
import {
  buildDeferredPackages,
  deferredPackagesOf,
  functionEsbuildOptions,
} from '../lib/functions/function-bundling.ts';

const run = promisify(execFile);
const outDir = mkdtempSync(join(tmpdir(), 'basis-function-bundling-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Bundles one function as `cdk synth` does (real esbuild, unlike the template tests) and answers its asset folder. */
function bundledAsset(name: 'paymentsApi'): string {
  const app = new App({ outdir: join(outDir, 'cdk.out') });
  const stack = new Stack(app, 'BundlingTest');
  new BasisFunction(stack, 'Fn', { name, definition: functions[name], stage: 'test', logLevel: 'WARN' });
  const assembly = app.synth();
  const assets = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  return join(assembly.directory, assets[0] as string);
}

/** One bundling serves every test (esbuild on the shared machine: a few seconds). */
let paymentsApiAsset: string | undefined;
const assetOfPaymentsApi = () => {
  paymentsApiAsset ??= bundledAsset('paymentsApi');
  return paymentsApiAsset;
};

describe('function bundling', () => {
  it('defers the Stripe SDK in the functions that call Stripe, the DynamoDB SDK in webhook ingest', () => {
    for (const [name, definition] of functionEntries()) {
      const expected = [
        ...(definition.access.stripe ? ['stripe'] : []),
        ...(name === 'webhookIngest' ? ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'] : []),
      ];
      expect(deferredPackagesOf(definition), name).toEqual(expected);
    }
  });

  it("ships the Stripe SDK beside the handler, resolvable by the handler's bare import, and not in its file", async () => {
    const asset = assetOfPaymentsApi();
    expect(readdirSync(asset).sort()).toEqual(['index.mjs', 'index.mjs.map', 'node_modules']);
    const handler = readFileSync(join(asset, 'index.mjs'), 'utf8');
    expect(handler).toContain('import("stripe")');
    // The SDK's own code (its API host) is in the deferred module only.
    expect(handler).not.toContain('api.stripe.com');
    const sdk = join(asset, 'node_modules', 'stripe');
    expect(readFileSync(join(sdk, 'index.mjs'), 'utf8')).toContain('api.stripe.com');
    expect(existsSync(join(sdk, 'index.mjs.map'))).toBe(false);

    // What a request that needs Stripe does: `import('stripe')` from the asset's folder (Lambda's /var/task).
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { default: Stripe } = await import('stripe'); const client = new Stripe('sk_test_x'); process.stdout.write(JSON.stringify([Stripe.API_VERSION, typeof client.paymentIntents.create, new Stripe.errors.StripeError({}) instanceof Error]));",
      ],
      { cwd: asset },
    );
    const [apiVersion, create, errorClass] = JSON.parse(stdout) as [string, string, boolean];
    expect(apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(create).toBe('function');
    expect(errorClass).toBe(true);
  });

  it('no function imports a deferred package statically (it would load the shipped package at init)', async () => {
    for (const [name, definition] of functionEntries()) {
      const deferred = deferredPackagesOf(definition);
      if (deferred.length === 0) continue;
      const { outputFiles } = await build({
        ...functionEsbuildOptions(definition),
        entryPoints: [resolveFromRepositoryRoot(definition.entry)],
        outfile: join(outDir, name, 'index.mjs'),
        write: false,
      });
      const code = outputFiles.find((file) => file.path.endsWith('index.mjs'))?.text ?? '';
      for (const pkg of deferred) {
        expect(code, `${name}: ${pkg}`).toContain(`import("${pkg}")`);
        expect(code, `${name}: ${pkg}`).not.toContain(`from"${pkg}"`);
        expect(code, `${name}: ${pkg}`).not.toMatch(new RegExp(`import\\s*"${pkg}"`));
      }
    }
  });

  it("webhook ingest's deferred DynamoDB packages work together: write, read, and the SDK's own error class", async () => {
    const dir = join(outDir, 'ingest-deferred');
    buildDeferredPackages(deferredPackagesOf(functions.webhookIngest), dir);
    // As the ingest entry's `deferredDocumentSdk` loads them; lib-dynamodb's file imports client-dynamodb's.
    const script = `
      const [{ DynamoDBClient, CreateTableCommand, ConditionalCheckFailedException }, { DynamoDBDocumentClient, UpdateCommand, GetCommand }] =
        await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]);
      const client = new DynamoDBClient({ endpoint: process.argv[1], region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const TableName = 'deferred-' + Math.random().toString(36).slice(2);
      await client.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));
      const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
      const add = (n, condition) => doc.send(new UpdateCommand({ TableName, Key: { pk: 'a' }, UpdateExpression: 'ADD #c :n',
        ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':n': n, ':skip': undefined }, ConditionExpression: condition }));
      await add(2);
      await add(3);
      const refused = await add(1, 'attribute_not_exists(pk)').catch((error) => error instanceof ConditionalCheckFailedException);
      const { Item } = await doc.send(new GetCommand({ TableName, Key: { pk: 'a' } }));
      process.stdout.write(JSON.stringify({ item: Item, refused }));`;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, inject('dynamoEndpoint')],
      { cwd: dir, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    expect(JSON.parse(stdout)).toEqual({ item: { pk: 'a', count: 5 }, refused: true });
  });

  it("CDK's esbuild run and `functionEsbuildOptions` (the bench's build) write the same file", async () => {
    const asset = assetOfPaymentsApi();
    const outfile = join(outDir, 'api', 'index.mjs');
    await build({
      ...functionEsbuildOptions(functions.paymentsApi),
      entryPoints: [resolveFromRepositoryRoot(functions.paymentsApi.entry)],
      outfile,
    });
    expect(readFileSync(outfile, 'utf8')).toBe(readFileSync(join(asset, 'index.mjs'), 'utf8'));
  });
});
