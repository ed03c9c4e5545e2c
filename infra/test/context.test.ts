import { describe, expect, it } from 'vitest';
import { parseBasisContext } from '../lib/config/basis-context.ts';
import { testContext } from './synthesize-basis.ts';

const reader =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('reading the CDK context', () => {
  it('accepts the required keys and treats empty optional ones as absent', () => {
    expect(parseBasisContext(reader({ ...testContext, 'basis:publicBaseUrl': '' }))).toEqual({
      jwtIssuer: testContext['basis:jwtIssuer'],
      jwtAudience: testContext['basis:jwtAudience'],
      publicBaseUrl: undefined,
      clinicSecretPrefix: testContext['basis:clinicSecretPrefix'],
      alarmEmail: undefined,
      stage: 'dev',
      allowedOrigins: [],
      logLevel: 'WARN',
    });
  });

  it('reads the stage, the allowed origins (trimmed, empty entries dropped, once each) and the log level', () => {
    expect(
      parseBasisContext(
        reader({
          ...testContext,
          'basis:stage': 'prod-eu-1',
          'basis:allowedOrigins': ' https://app.example.com,http://localhost:5173,, https://app.example.com ',
          'basis:logLevel': 'debug',
        }),
      ),
    ).toMatchObject({
      stage: 'prod-eu-1',
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      logLevel: 'DEBUG',
    });
  });

  it('treats an empty stage, origin list and log level as absent', () => {
    expect(
      parseBasisContext(
        reader({ ...testContext, 'basis:stage': '', 'basis:allowedOrigins': ' ', 'basis:logLevel': '' }),
      ),
    ).toMatchObject({ stage: 'dev', allowedOrigins: [], logLevel: 'WARN' });
  });

  it('lists a bad stage, every bad origin and a bad log level in one error', () => {
    expect(() =>
      parseBasisContext(
        reader({
          ...testContext,
          'basis:stage': 'Prod',
          'basis:allowedOrigins': 'https://app.example.com/,ftp://files.example.com',
          'basis:logLevel': 'verbose',
        }),
      ),
    ).toThrow(
      /basis:stage must be[\s\S]*"https:\/\/app\.example\.com\/" is not an origin[\s\S]*"ftp:\/\/files\.example\.com" is not an origin[\s\S]*basis:logLevel must be one of/,
    );
  });

  it('names every missing key in one error', () => {
    expect(() => parseBasisContext(reader({}))).toThrow(
      /basis:jwtIssuer is required[\s\S]*basis:jwtAudience is required[\s\S]*basis:clinicSecretPrefix is required/,
    );
  });

  it.each([
    ['basis:jwtIssuer', 'http://not-tls.example', /https URL/],
    ['basis:publicBaseUrl', 'not a url', /https URL/],
    ['basis:clinicSecretPrefix', 'basis/*', /may only contain/],
    ['basis:alarmEmail', 'nobody', /email address/],
    ['basis:jwtAudience', 42, /must be a string/],
    ['basis:stage', 'prod_eu', /basis:stage must be/],
    ['basis:stage', 'a-stage-name-of-21-ch', /basis:stage must be/],
    ['basis:stage', 'dev/2', /basis:stage must be/],
    ['basis:allowedOrigins', 'https://app.example.com/app', /not an origin/],
    ['basis:allowedOrigins', 'https://App.Example.com', /not an origin/],
    ['basis:allowedOrigins', 'https://app.example.com:443', /not an origin/],
    ['basis:allowedOrigins', '*', /not an origin/],
    ['basis:allowedOrigins', 'https://user@app.example.com', /not an origin/],
    ['basis:allowedOrigins', ['https://app.example.com'], /must be a string/],
    [
      'basis:logLevel',
      'WARNING',
      /basis:logLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL/,
    ],
  ])('rejects %s = %s', (key, value, message) => {
    expect(() => parseBasisContext(reader({ ...testContext, [key]: value }))).toThrow(message);
  });
});
