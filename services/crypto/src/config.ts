import { baseConfigSchema, env, grpcServerConfigSchema, optional, type ConfigOf } from '@causeloop/platform/config';

/** KEK versions are written into every wrapped key as a uint32. */
export const maxKekVersion = 0xff_ff_ff_ff;

/**
 * The crypto service's environment. The keyring variables are only read here; whether
 * they make a usable keyring (exactly one source, valid keys, a live primary) is checked
 * by `loadKeyring`, which needs the file contents too.
 */
export const cryptoConfigSchema = {
  ...baseConfigSchema,
  ...grpcServerConfigSchema,
  /** `<base64 32 bytes>` (version 1) or `<version>:<base64>` entries, comma/newline separated. */
  masterKey: optional(env.secret('CAUSELOOP_MASTER_KEY')),
  /** The same format in a file (a mounted Kubernetes Secret), re-read while running. */
  masterKeyFile: optional(env.string('CAUSELOOP_MASTER_KEY_FILE')),
  /** Pins the primary; without it the highest version is primary. */
  masterKeyPrimary: optional(env.integer('CAUSELOOP_MASTER_KEY_PRIMARY', { min: 1, max: maxKekVersion })),
  /** Vault transit's `min_decryption_version`: lower versions are retired. */
  masterKeyMinDecryptionVersion: env.integer('CAUSELOOP_MASTER_KEY_MIN_DECRYPTION_VERSION', {
    default: 1,
    min: 1,
    max: maxKekVersion,
  }),
  masterKeyReloadMs: env.integer('CAUSELOOP_MASTER_KEY_RELOAD_MS', { default: 30_000, min: 100, max: 3_600_000 }),
};

export type CryptoConfig = ConfigOf<typeof cryptoConfigSchema>;
