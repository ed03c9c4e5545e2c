import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testModeSecrets } from '../../test/support/test-stack.ts';
import { fileSecretStore } from '../src/file-secret-store.ts';

describe('the local file secret store', () => {
  it('keeps each clinic in a file only its owner can read, and deletes it', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'basis-secrets-')), 'secrets');
    const store = fileSecretStore(folder);
    const secrets = { clinicId: 'clinic/../x', test: testModeSecrets('whsec_local_made_up') };
    await store.put(secrets);
    expect(await store.get('clinic/../x')).toEqual(secrets);
    const file = join(folder, `${encodeURIComponent('clinic/../x')}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    await store.delete('clinic/../x');
    expect(await store.get('clinic/../x')).toBeUndefined();
  });
});
