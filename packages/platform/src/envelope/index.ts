export {
  columnFormatVersion,
  columnHeaderBytes,
  columnPurpose,
  openColumnValue,
  readColumnHeader,
  sealColumnValue,
  suiteAes256GcmHkdfSha256,
  type ColumnHeader,
  type ColumnLocation,
  type OpenColumnValueOptions,
  type SealColumnValueOptions,
} from './column-ciphertext.js';
export {
  createEnvelope,
  decryptionFailedMessage,
  type Envelope,
  type EnvelopeCrypto,
  type EnvelopeOptions,
} from './create-envelope.js';
export { defaultDekCacheMaxEntries, defaultDekCacheTtlMs, type DekCacheOptions } from './dek-cache.js';
export { DecryptFailure, decryptFailureReasons, type DecryptFailureReason } from './decrypt-failure.js';
export { PgWorkspaceKeyStore, type WorkspaceKey, type WorkspaceKeyStore } from './workspace-key-store.js';
