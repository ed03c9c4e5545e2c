import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: infra/lib/config → ../../.. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The lockfile that pins every bundled dependency (npm workspaces keep a single one at the root). */
export const rootLockFile = path.join(repositoryRoot, 'package-lock.json');

/** Resolves a topology `entry` (relative to the repository root) to an absolute path. */
export function resolveFromRepositoryRoot(relativePath: string): string {
  return path.resolve(repositoryRoot, relativePath);
}
