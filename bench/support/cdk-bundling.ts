import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionDefinition } from '@basis/shared';
import type { BuildOptions } from 'esbuild';
import {
  buildDeferredPackages,
  deferredPackagesOf,
  functionEsbuildOptions,
} from '../../infra/lib/functions/function-bundling.ts';

/** The repository root (bench/support/../..). */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

const basisFunctionSource = 'infra/lib/functions/basis-function.ts';

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
 * The esbuild options CDK's NodejsFunction uses for a Basis function: infra's own definition
 * (infra/lib/functions/function-bundling.ts), which `BasisFunction` turns into NodejsFunction props, so the bench
 * builds what is deployed. With a definition, the function's deferred packages (the Stripe SDK) are external: ship
 * them beside the output with `writeDeferredPackages`.
 */
export function cdkBundlingOptions(definition?: FunctionDefinition): BuildOptions {
  return functionEsbuildOptions(definition);
}

/**
 * Writes a function's deferred packages beside its bundle (`<outDir>/node_modules/<name>/index.mjs`), as the
 * function's asset holds them; answers their names.
 */
export function writeDeferredPackages(definition: FunctionDefinition, outDir: string): string[] {
  const packages = deferredPackagesOf(definition);
  buildDeferredPackages(packages, outDir);
  return packages;
}
