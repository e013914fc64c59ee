import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '@causeloop/platform/log';
import { CauseloopError } from '@causeloop/platform/errors';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The certificate chain and key, read now; a missing or unreadable file stops the start. */
export function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  } catch (error) {
    throw new CauseloopError('config_invalid', `TLS_CERT_FILE/TLS_KEY_FILE cannot be read: ${(error as Error).message}`);
  }
}

/** What can take a renewed certificate without a restart: a TLS or HTTP/2 secure server. */
interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

/**
 * Picks up a renewed certificate (cert-manager rewrites the mounted Secret) without a
 * restart: both files are polled, and on a change the server's secure context is replaced;
 * connections already open keep theirs. A pair that does not load (caught mid-rewrite, or
 * broken) is logged and the current certificate stays until the next change.
 */
export function reloadTlsOnChange(server: SecureContextTarget, files: TlsFiles, logger: Logger, intervalMs = 30_000): () => void {
  const reload = (): void => {
    try {
      server.setSecureContext({ ...readTlsFiles(files), minVersion: 'TLSv1.2' });
      logger.info('TLS certificate reloaded');
    } catch (error) {
      logger.error({ err: error }, 'TLS certificate changed but did not load; keeping the current one');
    }
  };
  for (const file of [files.certFile, files.keyFile]) watchFile(file, { interval: intervalMs, persistent: false }, reload);
  return () => {
    for (const file of [files.certFile, files.keyFile]) unwatchFile(file, reload);
  };
}
