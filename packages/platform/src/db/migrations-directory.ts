import { fileURLToPath } from 'node:url';

/**
 * `<repo>/db/migrations`, found from this file's location: the same four levels up from
 * `packages/platform/src/db/` (tests, run from sources) and `packages/platform/dist/db/`
 * (after `tsc -b`).
 */
export function migrationsDirectory(): string {
  return fileURLToPath(new URL('../../../../db/migrations/', import.meta.url));
}
