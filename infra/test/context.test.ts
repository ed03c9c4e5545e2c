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
    });
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
  ])('rejects %s = %s', (key, value, message) => {
    expect(() => parseBasisContext(reader({ ...testContext, [key]: value }))).toThrow(message);
  });
});
