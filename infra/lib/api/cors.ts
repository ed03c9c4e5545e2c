import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, type CorsPreflightOptions } from 'aws-cdk-lib/aws-apigatewayv2';

// TODO(move to shared): the header names are part of the HTTP contract (API.md "Browsers (CORS)") and the
// local runtime answers the same preflights; one list in shared/ would keep the two from drifting.
/** Request headers a browser may send to the `/v1` routes (lower case, as API Gateway compares them). */
export const corsAllowHeaders = ['authorization', 'content-type', 'idempotency-key'] as const;
/** Response headers the browser's script may read. */
export const corsExposeHeaders = ['x-request-id'] as const;
/** The methods of the `/v1` routes. */
export const corsAllowMethods = [
  CorsHttpMethod.GET,
  CorsHttpMethod.POST,
  CorsHttpMethod.PUT,
  CorsHttpMethod.DELETE,
] as const;
/** How long a browser may cache a preflight answer. */
export const corsMaxAge = Duration.seconds(600);

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
