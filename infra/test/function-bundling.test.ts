import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { functions } from '@basis/shared';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFromRepositoryRoot } from '../lib/config/repository-paths.ts';
import { functionEntries } from '../lib/config/topology-entries.ts';
import { BasisFunction } from '../lib/functions/basis-function.ts';
import { deferredPackagesOf, functionEsbuildOptions } from '../lib/functions/function-bundling.ts';

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
  it('the Stripe SDK: external in the functions that call Stripe, none in the others', () => {
    for (const [name, definition] of functionEntries()) {
      expect(deferredPackagesOf(definition), name).toEqual(definition.access.stripe ? ['stripe'] : []);
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

  it('no function imports the Stripe SDK statically (it would load the shipped SDK at init)', async () => {
    for (const [name, definition] of functionEntries().filter(([, d]) => d.access.stripe)) {
      const { outputFiles } = await build({
        ...functionEsbuildOptions(definition),
        entryPoints: [resolveFromRepositoryRoot(definition.entry)],
        outfile: join(outDir, name, 'index.mjs'),
        write: false,
      });
      const code = outputFiles.find((file) => file.path.endsWith('index.mjs'))?.text ?? '';
      expect(code, name).toContain('import("stripe")');
      expect(code, name).not.toMatch(/from\s*"stripe"/);
    }
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
