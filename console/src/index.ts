import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The console's static files, as a server hands them out. */
export interface ConsoleAsset {
  contentType: string;
  body: string;
}

const appDirectory = fileURLToPath(new URL('./app/', import.meta.url));

/**
 * Bundles the browser app (`src/app/main.ts` with the typed client and openapi-fetch) into one ES module with
 * esbuild, in memory: nothing is fetched from a CDN, so the console works offline. Throws esbuild's error when the
 * code does not build.
 */
export async function bundleConsoleApp(): Promise<string> {
  const result = await build({
    entryPoints: [`${appDirectory}main.ts`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no console bundle');
  return output.text;
}

/**
 * The console's files by their name under `/console/`: `index.html`, `console.css` and `app.js` (bundled on first
 * use and kept). Undefined for any other name.
 */
export function consoleAssets(): { get(name: string): Promise<ConsoleAsset | undefined> } {
  let app: Promise<string> | undefined;
  const files: Record<string, { file?: string; contentType: string }> = {
    'index.html': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
    'console.css': { file: 'console.css', contentType: 'text/css; charset=utf-8' },
    'app.js': { contentType: 'text/javascript; charset=utf-8' },
  };
  return {
    async get(name) {
      const known = files[name];
      if (!known) return undefined;
      if (!known.file) {
        app ??= bundleConsoleApp().catch((error: unknown) => {
          app = undefined; // a fixed source builds on the next request
          throw error;
        });
        return { contentType: known.contentType, body: await app };
      }
      return { contentType: known.contentType, body: await readFile(`${appDirectory}${known.file}`, 'utf8') };
    },
  };
}
