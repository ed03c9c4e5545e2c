import { readFileSync } from 'node:fs';
import { localDataDir } from '@basis/local';
import { progressLine } from './progress-line.ts';
import { runOps } from './run-ops.ts';

/** `npm run ops -- <command>`: see run-ops.ts and docs/runbook.md, "The ops command". */
const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context?: Record<string, unknown>;
};
const progress = progressLine(process.stderr);
try {
  process.exitCode = await runOps(
    process.argv.slice(2),
    {
      out: (line) => {
        progress.done();
        console.log(line);
      },
      progress: (line) => progress.update(line),
    },
    {
      dataDir: localDataDir,
      secretPrefix: String(cdkContext.context?.['basis:clinicSecretPrefix'] ?? ''),
    },
  );
} catch (error) {
  progress.done();
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
