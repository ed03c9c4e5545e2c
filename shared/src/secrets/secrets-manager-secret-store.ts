import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type ClinicSecrets, clinicSecretsSchema, type SecretStore } from './clinic-secrets.ts';

/** Secret name of a clinic: the configured prefix (which IAM is limited to) plus the clinic id. */
export function clinicSecretName(prefix: string, clinicId: string): string {
  return `${prefix}${clinicId}`;
}

/** SecretStore on AWS Secrets Manager: one JSON secret per clinic under a name prefix. */
export function secretsManagerSecretStore(client: SecretsManagerClient, prefix: string): SecretStore {
  return {
    async get(clinicId) {
      try {
        const output = await client.send(
          new GetSecretValueCommand({ SecretId: clinicSecretName(prefix, clinicId) }),
        );
        if (output.SecretString === undefined) return undefined;
        return clinicSecretsSchema.parse(JSON.parse(output.SecretString));
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async put(secrets: ClinicSecrets) {
      const SecretString = JSON.stringify(clinicSecretsSchema.parse(secrets));
      const SecretId = clinicSecretName(prefix, secrets.clinicId);
      try {
        await client.send(new PutSecretValueCommand({ SecretId, SecretString }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        try {
          await client.send(new CreateSecretCommand({ Name: SecretId, SecretString }));
        } catch (createError) {
          // Another request created it between our two calls: write our value over it.
          if (!(createError instanceof ResourceExistsException)) throw createError;
          await client.send(new PutSecretValueCommand({ SecretId, SecretString }));
        }
      }
    },
    async delete(clinicId) {
      try {
        await client.send(
          new DeleteSecretCommand({ SecretId: clinicSecretName(prefix, clinicId), RecoveryWindowInDays: 7 }),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
