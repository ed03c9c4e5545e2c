import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClinicSecrets, clinicSecretsSchema, type SecretStore } from '@basis/shared';

function fileName(clinicId: string): string {
  return `${encodeURIComponent(clinicId)}.json`;
}

/**
 * The local stand-in for Secrets Manager: one JSON file per clinic, readable by the owner only (0600), in a
 * folder only the owner may list (0700). Writes go to a temporary file first and are renamed into place.
 */
export function fileSecretStore(folder: string): SecretStore {
  const ready = mkdir(folder, { recursive: true, mode: 0o700 }).then(() => chmod(folder, 0o700));
  return {
    async get(clinicId) {
      await ready;
      try {
        return clinicSecretsSchema.parse(
          JSON.parse(await readFile(join(folder, fileName(clinicId)), 'utf8')),
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async put(secrets: ClinicSecrets) {
      await ready;
      const target = join(folder, fileName(secrets.clinicId));
      const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, JSON.stringify(clinicSecretsSchema.parse(secrets), null, 2), {
        mode: 0o600,
      });
      await rename(temporary, target);
    },
    async delete(clinicId) {
      await ready;
      await rm(join(folder, fileName(clinicId)), { force: true });
    },
  };
}
