import { httpRoutes, routeKey } from '@basis/shared';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeBasis, testContext } from './synthesize-basis.ts';
import { logicalIdOf, resourcesOfType } from './template-queries.ts';

const { stateless, stacks } = synthesizeBasis();
const routes = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route');
const routeByKey = new Map(routes.map(([id, route]) => [route.Properties.RouteKey as string, { id, route }]));
const authorizers = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Authorizer');

describe('HTTP API generated from httpRoutes', () => {
  it('has exactly one route per topology route, with its route key', () => {
    expect([...routeByKey.keys()].sort()).toEqual(httpRoutes.map(routeKey).sort());
  });

  it.each(httpRoutes.map((route) => [routeKey(route), route] as const))(
    '%s integrates with the function the topology names (payload v2)',
    (key, route) => {
      const target = routeByKey.get(key)?.route.Properties.Target as { 'Fn::Join': [string, unknown[]] };
      const integrationRef = target['Fn::Join'][1][1] as { Ref: string };
      const integration = stateless.toJSON().Resources[integrationRef.Ref];
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(stacks.stateless.functions[route.function]), 'Arn'] },
      });
    },
  );

  it('has one JWT authorizer whose issuer and audience come from context', () => {
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.[1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: testContext['basis:jwtIssuer'],
        Audience: [testContext['basis:jwtAudience']],
      },
    });
  });

  const jwtRoutes = httpRoutes.filter((route) => route.auth.kind === 'jwt');
  const openRoutes = httpRoutes.filter((route) => route.auth.kind !== 'jwt');

  it('the topology has both kinds of route, so the next two tests prove something', () => {
    expect(jwtRoutes.length).toBeGreaterThan(0);
    expect(openRoutes.map(routeKey)).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /stripe_webhook/{clinicId}',
        'POST /stripe_webhook_test/{clinicId}',
      ]),
    );
  });

  it.each(jwtRoutes.map(routeKey))('%s requires a JWT from the authorizer', (key) => {
    expect(routeByKey.get(key)?.route.Properties).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizers[0]?.[0] },
    });
  });

  it.each(openRoutes.map(routeKey))(
    '%s has no API Gateway authorizer (webhooks are signed, health is public)',
    (key) => {
      const properties = routeByKey.get(key)?.route.Properties ?? {};
      expect(properties.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(properties.AuthorizerId).toBeUndefined();
    },
  );

  it('logs every request to a log group and throttles the $default stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });

  it('has no OPTIONS, ANY or $default route, so API Gateway answers every CORS preflight itself', () => {
    expect([...routeByKey.keys()].filter((key) => /^(OPTIONS|ANY) |^\$default$/.test(key))).toEqual([]);
  });

  it('is named after its stage, and so is its access log group', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'basis-dev-http-api' });
    stateless.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/basis/dev/http-api/access' });
  });

  it('outputs the API URL', () => {
    stateless.hasOutput('ApiUrl', {
      Value: {
        'Fn::Join': ['', Match.arrayWith(['https://', { Ref: logicalIdOf(stacks.stateless.api.api) }])],
      },
    });
  });
});

describe('CORS', () => {
  it('has no CORS configuration without basis:allowedOrigins', () => {
    const [[, api] = ['', { Properties: {} }]] = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Api');
    expect(api.Properties).not.toHaveProperty('CorsConfiguration');
  });

  it('has none with an empty basis:allowedOrigins either', () => {
    const { stateless: withEmpty } = synthesizeBasis({ context: { 'basis:allowedOrigins': ' , ' } });
    withEmpty.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('answers preflights of the configured origins with the contract of API.md "Browsers (CORS)"', () => {
    const { stateless: withOrigins } = synthesizeBasis({
      context: { 'basis:allowedOrigins': 'https://app.test.example, http://localhost:5173' },
    });
    withOrigins.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    withOrigins.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.test.example', 'http://localhost:5173'],
        AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        ExposeHeaders: ['x-request-id'],
        MaxAge: 600,
        AllowCredentials: false,
      },
    });
  });
});
