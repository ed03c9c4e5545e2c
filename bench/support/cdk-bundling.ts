import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The repository root (bench/support/../..). */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

const basisFunctionSource = 'infra/lib/functions/basis-function.ts';

function pick(source: string, pattern: RegExp, what: string): string {
  const match = pattern.exec(source);
  if (!match?.[1])
    throw new Error(
      `bench: cannot read ${what} from ${basisFunctionSource}; update bench/support/cdk-bundling.ts`,
    );
  return match[1];
}

function expect(source: string, needle: string): void {
  if (!source.includes(needle)) {
    throw new Error(
      `bench: ${basisFunctionSource} no longer says \`${needle}\`; update bench/support/cdk-bundling.ts`,
    );
  }
}

/**
 * The Node.js flags the functions run with (`NODE_OPTIONS` in infra/lib/functions/basis-function.ts, none when it
 * sets none), so the cold loads are timed as deployed.
 */
export function deployedNodeFlags(): string[] {
  const source = readFileSync(join(repositoryRoot, basisFunctionSource), 'utf8');
  const options = /NODE_OPTIONS: '([^']*)'/.exec(source)?.[1] ?? '';
  return options.split(/\s+/).filter((flag) => flag !== '');
}

/**
 * The esbuild options CDK's NodejsFunction uses for a Basis function, read from infra/lib/functions/basis-function.ts
 * rather than restated: the target and the banner are taken from its source, and every other option the bench
 * mirrors is checked to still be there, so a change in infra fails the bench instead of measuring another bundle.
 * NodejsFunction turns these props into `esbuild --bundle <entry> --target --platform=node --format=esm --minify
 * --sourcemap --sources-content=false --banner:js --main-fields` (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js),
 * with no `--external` because `bundleAwsSDK` is set.
 */
export function cdkBundlingOptions(): BuildOptions {
  const source = readFileSync(join(repositoryRoot, basisFunctionSource), 'utf8');
  const target = pick(source, /const bundleTarget = '([^']+)'/, 'the bundle target');
  const banner = pick(source, /const createRequireBanner =\s*"([^"]+)"/, 'the ESM require banner');
  for (const needle of [
    'format: OutputFormat.ESM',
    'minify: true',
    'sourceMap: true',
    'sourcesContent: false',
    "mainFields: ['module', 'main']",
    'banner: createRequireBanner',
    'bundleAwsSDK: true',
    'architecture: Architecture.ARM_64',
  ]) {
    expect(source, needle);
  }
  return {
    bundle: true,
    platform: 'node',
    target,
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: banner },
    absWorkingDir: repositoryRoot,
    logLevel: 'warning',
  };
}
