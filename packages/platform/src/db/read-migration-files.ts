import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CauseloopError } from '../errors/causeloop-error.js';

export interface MigrationFile {
  /** The file name without `.sql`, e.g. `0003_create_workspaces`; the key in schema_migrations. */
  readonly version: string;
  readonly fileName: string;
  readonly sql: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly checksum: string;
}

const fileNamePattern = /^(\d{4})_[a-z0-9]+(?:_[a-z0-9]+)*\.sql$/;

/** Every `.sql` file of `directory`, in name order, after checking names are well formed. */
export async function readMigrationFiles(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const seenNumbers = new Map<string, string>();
  const files: MigrationFile[] = [];
  for (const fileName of names) {
    const match = fileNamePattern.exec(fileName);
    const number = match?.[1];
    if (number === undefined) {
      throw new CauseloopError(
        'config_invalid',
        `migration file ${fileName} is not named NNNN_<verb>_<object>.sql (lower case, digits, underscores)`,
      );
    }
    const clash = seenNumbers.get(number);
    if (clash !== undefined) {
      throw new CauseloopError('config_invalid', `migration files ${clash} and ${fileName} share the number ${number}`);
    }
    seenNumbers.set(number, fileName);
    const bytes = await readFile(join(directory, fileName));
    files.push({
      version: fileName.slice(0, -'.sql'.length),
      fileName,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return files;
}
