import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Stripe's fixtures, vendored into the repository (`test/fixtures/stripe/README.md` says where each came from). */
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/stripe');

export function fixtureBytes(relativePath: string): Buffer {
  return readFileSync(join(fixturesDir, relativePath));
}

export function fixtureEvent(
  type: string,
): Record<string, unknown> & { id: string; type: string; created: number } {
  return JSON.parse(fixtureBytes(`events/${type}.json`).toString('utf8'));
}
