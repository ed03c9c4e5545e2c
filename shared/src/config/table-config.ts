import { z } from 'zod';
import { envNames } from './env-names.ts';
import { readConfig } from './read-config.ts';

export function tableConfigFromEnv(env: NodeJS.ProcessEnv = process.env): { tableName: string } {
  const config = readConfig({ [envNames.tableName]: z.string().min(1) }, env);
  return { tableName: config[envNames.tableName] as string };
}
