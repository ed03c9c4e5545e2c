import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { cdkBundlingOptions, repositoryRoot } from '../../bench/support/cdk-bundling.ts';
import { functions } from '../src/topology.ts';

const run = promisify(execFile);
const outDir = mkdtempSync(join(tmpdir(), 'basis-zod-mini-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('webhook ingest on zod/mini', () => {
  it('bundles no classic zod and no locale but English, and still explains a bad configuration in English', async () => {
    const outfile = join(outDir, 'index.mjs');
    const { metafile } = await build({
      ...cdkBundlingOptions(),
      entryPoints: [join(repositoryRoot, functions.webhookIngest.entry)],
      outfile,
      metafile: true,
    });
    // What the bundle holds (metafile.inputs also lists files esbuild read and then shook out).
    const held = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
    const zodFiles = held.filter((path) => path.includes('node_modules/zod/'));
    expect(zodFiles.some((path) => path.includes('/v4/mini/'))).toBe(true);
    expect(zodFiles.filter((path) => path.includes('/v4/classic/'))).toEqual([]);
    expect(zodFiles.filter((path) => path.includes('/locales/'))).toEqual([
      expect.stringMatching(/\/locales\/en\.js$/),
    ]);

    // Mini loads no locale by itself: without ours this would read "Invalid input".
    const failure = await run(
      process.execPath,
      ['--input-type=module', '-e', `await import('file://${outfile}')`],
      {
        env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
      },
    ).catch((error: { stderr: string }) => error);
    expect('stderr' in failure ? failure.stderr : '').toContain(
      'Invalid configuration: BASIS_TABLE_NAME: Invalid input: expected string, received undefined',
    );
  });
});
