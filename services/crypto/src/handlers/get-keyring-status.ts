import type { CryptoServiceImpl, HandlerDeps } from './handler-deps.js';

/** GetKeyringStatus: versions, fingerprints and the primary; never key material. */
export function getKeyringStatus({ keyring, metrics }: HandlerDeps): CryptoServiceImpl['getKeyringStatus'] {
  return async () => {
    const done = metrics.duration.startTimer({ operation: 'status' });
    const current = keyring.current;
    metrics.operations.inc({ operation: 'status', outcome: 'ok' });
    done();
    return {
      versions: current.versions.map(({ version, fingerprint }) => ({
        version,
        fingerprint,
        primary: version === current.primary.version,
      })),
      primaryVersion: current.primary.version,
      minDecryptionVersion: current.minDecryptionVersion,
    };
  };
}
