import { type FunctionName, httpRoutes, type RouteDefinition, routeKey } from '@basis/shared';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pascalCase } from '../config/construct-ids.ts';
import { accessLogGroupName, resourceName } from '../config/resource-names.ts';
import { httpApiAccessLogFormat } from './access-log-format.ts';
import { corsPreflightFor } from './cors.ts';

export interface BasisHttpApiProps {
  functions: Readonly<Record<FunctionName, IFunction>>;
  jwtIssuer: string;
  jwtAudience: string;
  /** The deployment stage: the API is `basis-<stage>-http-api`, its access logs `/basis/<stage>/http-api/access`. */
  stage: string;
  /** Browser origins that get CORS answers; empty: no CORS configuration at all. */
  allowedOrigins: readonly string[];
  /** Stage-wide default throttling. */
  throttle?: { rateLimit: number; burstLimit: number };
}

const defaultThrottle = { rateLimit: 100, burstLimit: 200 };

/** Why a route without an API Gateway authorizer is still protected, by the kind of auth the topology gives it. */
const unauthorizedRouteReasons: Record<'none' | 'stripe-signature', string> = {
  none: 'Public liveness probe: it returns no data and touches no resource, and uptime checks carry no credentials.',
  'stripe-signature':
    'Stripe cannot send a JWT: the webhook function authenticates every request by verifying the Stripe-Signature HMAC with the clinic signing secret before anything is enqueued.',
};

function routeId(route: RouteDefinition): string {
  return pascalCase(`${route.method} ${route.path}`);
}

/**
 * The public HTTP API, generated from `httpRoutes`: one route per entry with a payload-v2 Lambda integration
 * to the function it names, the JWT authorizer on `jwt` routes and on no other, a `$default` stage with
 * access logs and throttling.
 *
 * CORS, when origins are configured, is API Gateway's own (`corsPreflight`): it answers every OPTIONS
 * preflight itself, before any route or authorizer, as long as no OPTIONS, ANY or `$default` route exists
 * (the topology's route methods cannot express them; a test keeps it so). See infra/README.md, "CORS".
 */
export class BasisHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, props: BasisHttpApiProps) {
    super(scope, id);
    const corsPreflight = corsPreflightFor(props.allowedOrigins);
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: resourceName(props.stage, 'http-api'),
      description: `Basis payments (${props.stage}): Stripe webhooks and the payments API`,
      createDefaultStage: false,
      ...(corsPreflight ? { corsPreflight } : {}),
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: accessLogGroupName(props.stage),
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? defaultThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: httpApiAccessLogFormat,
      },
    });

    const jwtAuthorizer = new HttpJwtAuthorizer('BasisJwt', props.jwtIssuer, {
      jwtAudience: [props.jwtAudience],
    });
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascalCase(name)}Integration`, props.functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    const routes = new Map<string, HttpRoute>();
    for (const route of httpRoutes) {
      const authorizer: IHttpRouteAuthorizer | undefined =
        route.auth.kind === 'jwt' ? jwtAuthorizer : undefined;
      const httpRoute = new HttpRoute(this, routeId(route), {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: integrationFor(route.function),
        ...(authorizer ? { authorizer } : {}),
      });
      if (route.auth.kind !== 'jwt') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: unauthorizedRouteReasons[route.auth.kind],
        });
      }
      routes.set(routeKey(route), httpRoute);
    }
    this.routes = routes;
  }

  /** The API's base URL, with a trailing slash. */
  get url(): string {
    return this.stage.url;
  }
}
