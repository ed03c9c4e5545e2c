import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FunctionDefinition } from '@basis/shared';
import { type BundlingOptions, type ICommandHooks, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, buildSync } from 'esbuild';
import { repositoryRoot } from '../config/repository-paths.ts';

/*
 * How a Basis function is bundled, in one place for infra (`BasisFunction`'s NodejsFunction props) and for the bench
 * and tests (the same build through esbuild's API), so that what is measured is what is deployed.
 *
 * A function's file holds everything it loads at init. What it loads only on first use with `import()` and is large
 * (the Stripe SDK, ~241 KB; webhook ingest's DynamoDB client) is a "deferred package": marked external, so the
 * function's file keeps a bare `import('stripe')`, and shipped beside the handler in the asset as
 * `node_modules/stripe/{package.json,index.mjs}`, one minified ESM file built from the installed package at synth
 * time. Node resolves the bare import there (/var/task/node_modules) when the first request needs it. Why: in a
 * single file the deferred module is not evaluated at init, but V8 still pre-parses its bytes at every cold start. Not CDK's `nodeModules` option: it runs
 * the package manager in the asset (`npm ci` from the lockfile), which needs the registry and ships the package's
 * hundred unbundled files. Not a Lambda layer: ESM bare imports do not search /opt/nodejs. docs/architecture.md,
 * "Bundles, logs and traces".
 */

/** The bundle's target: the major of `basisRuntime` (Node.js 24). */
export const bundleTarget = 'node24';

/** ESM bundles have no `require`; CommonJS dependencies inside the bundle still call it. */
export const createRequireBanner =
  "import { createRequire as __basisCreateRequire } from 'node:module'; const require = __basisCreateRequire(import.meta.url);";

/** The DynamoDB SDK as webhook ingest's counter imports it on its first write (`deferredHealthCounterAdder`). */
const deferredDynamoDbPackages = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];

/**
 * The npm packages a function loads only with `import()` on first use and gets beside its file rather than in it:
 * the Stripe SDK for the functions that call Stripe (the Lambda entries pass `lazyStripeClient`), the DynamoDB SDK
 * for a function whose only table access is the health counters (webhook ingest: a refused signature).
 */
export function deferredPackagesOf(definition: FunctionDefinition): string[] {
  const { access } = definition;
  return [
    ...(access.stripe ? ['stripe'] : []),
    ...(access.table === 'none' && access.healthCounters ? deferredDynamoDbPackages : []),
  ];
}

/**
 * The esbuild options (JS API) equal to what CDK's NodejsFunction runs for `functionBundling(definition)`:
 * `esbuild --bundle <entry> --target=node24 --platform=node --format=esm --minify --sourcemap
 * --sources-content=false --external:<deferred> --banner:js=… --main-fields=module,main`
 * (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js; no AWS SDK external because `bundleAwsSDK` is set). Add
 * `entryPoints` and `outfile`. Without a definition: a function with no deferred package.
 */
export function functionEsbuildOptions(definition?: FunctionDefinition): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: bundleTarget,
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: createRequireBanner },
    external: definition ? deferredPackagesOf(definition) : [],
    absWorkingDir: repositoryRoot,
    logLevel: 'warning',
  };
}

/**
 * Writes the deferred packages into `<outDir>/node_modules/<name>/`: `index.mjs`, the package's ESM entry for Node
 * bundled and minified with the function's options (no source map: frames inside an SDK are the SDK's), the other
 * deferred packages external so that each is one instance, and a `package.json` that points a bare import at it.
 */
export function buildDeferredPackages(packages: readonly string[], outDir: string): void {
  for (const name of packages) {
    const dir = path.join(outDir, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    buildSync({
      ...functionEsbuildOptions(),
      entryPoints: [name],
      outfile: path.join(dir, 'index.mjs'),
      sourcemap: false,
      external: packages.filter((other) => other !== name),
    });
    writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name, private: true, type: 'module', exports: './index.mjs' })}\n`,
    );
  }
}

/** Deferred packages built once per synth (per work folder and set of packages), copied into each asset. */
const builtAtSynth = new Map<string, string>();

function deferredPackagesDir(packages: readonly string[], workDir: string): string {
  const key = `${workDir}\n${packages.join(',')}`;
  let dir = builtAtSynth.get(key);
  if (!dir) {
    // Rebuilt by each synth (the first asset that needs it), so that an earlier synth's build never stands in.
    dir = path.join(workDir, packages.join('+').replaceAll('/', '__'));
    rmSync(dir, { recursive: true, force: true });
    buildDeferredPackages(packages, dir);
    builtAtSynth.set(key, dir);
  }
  return dir;
}

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * After CDK's esbuild has written the function's file: copies the deferred packages into the asset. They are built
 * in this process, under `workDir`, the first time an asset needs them (CDK calls the hook only for assets it
 * bundles, e.g. not under `aws:cdk:bundling-stacks: []`); the copy is a shell command, as CDK runs hooks. Local
 * bundling only (CDK falls back to Docker when esbuild is not installed; it is a dev dependency here), whose output
 * directory is a local path.
 */
function copyDeferredPackages(packages: readonly string[], workDir: string): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => {
      if (packages.length === 0) return [];
      const from = path.join(deferredPackagesDir(packages, workDir), 'node_modules');
      const to = path.join(outputDir, 'node_modules');
      return [`mkdir -p ${quote(to)} && cp -R ${quote(`${from}/.`)} ${quote(to)}`];
    },
  };
}

/**
 * NodejsFunction's bundling props for a Basis function: a minified ESM bundle for Node.js 24 with its source map
 * beside it (shipped, not loaded: no `--enable-source-maps`), the AWS SDK clients bundled, the deferred packages
 * external and copied beside the handler. `functionEsbuildOptions` is the same build through esbuild's API.
 * `outdir` is the cloud assembly's folder (cdk.out): the deferred packages are built once per synth in
 * `<outdir>/.deferred-packages/`, which is not an asset and goes with the assembly.
 */
export function functionBundling(definition: FunctionDefinition, outdir: string): BundlingOptions {
  const deferred = deferredPackagesOf(definition);
  return {
    format: OutputFormat.ESM,
    target: bundleTarget,
    minify: true,
    // The map ships in the asset, but Node does not load it: `--enable-source-maps` read and parsed the map at
    // every cold start (about a sixth of an SQS-only bundle's cold load) and made the first stack trace of a
    // container cost 100–180 ms. Stack traces show bundle positions, mapped offline with the map from cdk.out
    // (docs/architecture.md, "Bundles, logs and traces").
    sourceMap: true,
    // Mappings are enough for stack traces; the sources would triple the upload.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: createRequireBanner,
    // Bundle the SDK clients we pin instead of the runtime's copy: a known version, and smaller cold starts than
    // loading the runtime's full SDK from node_modules. (With `bundleAwsSDK`, `externalModules` is the whole list.)
    bundleAwsSDK: true,
    externalModules: deferred,
    commandHooks: copyDeferredPackages(deferred, path.join(outdir, '.deferred-packages')),
  };
}
