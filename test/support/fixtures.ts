import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The guidance folder beside the repository holds Stripe's fixtures (read-only). */
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/stripe-fixtures');

export function fixtureBytes(relativePath: string): Buffer {
  return readFileSync(join(fixturesDir, relativePath));
}

export function fixtureEvent(
  type: string,
): Record<string, unknown> & { id: string; type: string; created: number } {
  return JSON.parse(fixtureBytes(`events/${type}.json`).toString('utf8'));
}
