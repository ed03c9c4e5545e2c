import { parseArgs } from 'node:util';
import { type ClinicSecrets, modeSecretsSchema } from '@basis/shared';
import { fileSecretStore } from './file-secret-store.ts';
import { localSecretsDir } from './local-data.ts';

/**
 * Development only: stores a clinic's test-mode keys and webhook signing secret in the local secret store, the
 * way the connect endpoint will. The running `npm start` picks them up within its cache TTL.
 */
const usage =
  'usage: npm run dev:connect -- --clinic <id> --secret-key sk_test_… --publishable-key pk_test_… --webhook-secret whsec_…';

const { values } = parseArgs({
  options: {
    clinic: { type: 'string' },
    'secret-key': { type: 'string' },
    'publishable-key': { type: 'string' },
    'webhook-secret': { type: 'string' },
  },
});
if (!values.clinic || !values['secret-key'] || !values['publishable-key'] || !values['webhook-secret']) {
  console.error(usage);
  process.exit(2);
}
const testMode = modeSecretsSchema.safeParse({
  secretKey: values['secret-key'],
  publishableKey: values['publishable-key'],
  accountId: null,
  webhookSecrets: [{ secret: values['webhook-secret'], expiresAt: null }],
  webhook: { managed: false, endpointId: null, url: null },
  connectedAt: new Date().toISOString(),
});
if (
  !testMode.success ||
  !testMode.data.secretKey.includes('_test_') ||
  !testMode.data.publishableKey.startsWith('pk_test_')
) {
  console.error(
    'Keys must be test-mode keys (sk_test_/rk_test_, pk_test_) and the secret must start with whsec_.',
  );
  process.exit(2);
}
const store = fileSecretStore(localSecretsDir);
const existing = await store.get(values.clinic);
const secrets: ClinicSecrets = { ...existing, clinicId: values.clinic, test: testMode.data };
await store.put(secrets);
console.log(
  `Stored test-mode keys for clinic ${values.clinic} (secret key …${testMode.data.secretKey.slice(-4)}).`,
);
