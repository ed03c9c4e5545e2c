import { corsPolicy } from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, type CorsPreflightOptions } from 'aws-cdk-lib/aws-apigatewayv2';

/** The methods of the `/v1` routes, in CDK's terms (shared's `corsPolicy` is the one list). */
export const corsAllowMethods = corsPolicy.methods.map((method) => CorsHttpMethod[method]);
/** Request headers a browser may send to the `/v1` routes. */
export const corsAllowHeaders = corsPolicy.allowHeaders;
/** Response headers the browser's script may read. */
export const corsExposeHeaders = corsPolicy.exposeHeaders;
/** How long a browser may cache a preflight answer. */
export const corsMaxAge = Duration.seconds(corsPolicy.maxAgeSeconds);

/**
 * The API's CORS configuration for the configured frontend origins, or none when there are none. No
 * credentials (cookies): the browser sends the JWT in `Authorization`, which `allowHeaders` covers.
 */
export function corsPreflightFor(allowedOrigins: readonly string[]): CorsPreflightOptions | undefined {
  if (allowedOrigins.length === 0) return undefined;
  return {
    allowOrigins: [...allowedOrigins],
    allowMethods: [...corsAllowMethods],
    allowHeaders: [...corsAllowHeaders],
    exposeHeaders: [...corsExposeHeaders],
    maxAge: corsMaxAge,
    allowCredentials: false,
  };
}
