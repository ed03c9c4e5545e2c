import { parseArgs } from 'node:util';
import { type Role, roles } from '@basis/shared';
import { signDevToken } from './dev-jwt.ts';

const usage =
  'usage: npm run --silent token -- --clinic <id> --role <clinic_admin|staff|client> [--client <id>]';

const { values } = parseArgs({
  options: {
    clinic: { type: 'string' },
    role: { type: 'string' },
    client: { type: 'string' },
    sub: { type: 'string' },
    'expires-in': { type: 'string' },
  },
});
if (!values.clinic || !values.role || !(roles as readonly string[]).includes(values.role)) {
  console.error(usage);
  process.exit(2);
}
if (values.role === 'client' && !values.client) {
  console.error('A client token needs --client <id>.');
  process.exit(2);
}
console.log(
  await signDevToken({
    clinicId: values.clinic,
    role: values.role as Role,
    ...(values.client ? { clientId: values.client } : {}),
    ...(values.sub ? { subject: values.sub } : {}),
    ...(values['expires-in'] ? { expiresInSeconds: Number(values['expires-in']) } : {}),
  }),
);
