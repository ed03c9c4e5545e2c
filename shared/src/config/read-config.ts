import * as z from 'zod/mini';
import { useEnglishIssues } from './zod-mini.ts';

/**
 * Reads and validates environment variables once, at init, into a typed config.
 * A missing or malformed variable fails the cold start loudly instead of surfacing later as `undefined`.
 */
export function readConfig<Shape extends z.core.$ZodShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodMiniObject<Shape>> {
  // Every function reads its configuration at init, before it parses anything else: the one place to set this.
  useEnglishIssues();
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}
