import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ApiResult } from '@basis/shared';

/** Pages only the local server has (not routes of the topology): the rendered API reference. */
export interface LocalPages {
  /** The page for a GET of this path, or undefined when it is not one of them. */
  serve(pathname: string): ApiResult | undefined;
}

const redocBundlePath = '/docs/redoc.standalone.js';

/**
 * `GET /docs` renders `GET /openapi.json` with Redoc's standalone bundle, served from node_modules: no CDN, so the
 * page works offline. The bundle is read on first use only.
 */
export function localPages(): LocalPages {
  let redocBundle: string | undefined;
  const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Basis payments API</title>
  </head>
  <body>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="${redocBundlePath}"></script>
  </body>
</html>
`;
  return {
    serve(pathname): ApiResult | undefined {
      if (pathname === '/docs' || pathname === '/docs/') {
        return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
      }
      if (pathname === redocBundlePath) {
        redocBundle ??= readFileSync(
          createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'),
          'utf8',
        );
        return {
          statusCode: 200,
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' },
          body: redocBundle,
        };
      }
      return undefined;
    },
  };
}
