import { resolve } from 'node:path';

/** Where `npm start` and the dev commands keep local state (git-ignored). */
export const localDataDir = resolve(process.env.BASIS_LOCAL_DATA_DIR ?? '.local-data');
export const localSecretsDir = resolve(localDataDir, 'secrets');
