import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CauseloopError, type FieldViolation } from '@causeloop/platform/errors';

/**
 * The published development key that signs erasure certificates when none is configured
 * (Ed25519 from the seed SHA-256("causeloop development governance key — never use in
 * production")). A fixed key, unlike a throwaway one, keeps certificates verifiable across
 * restarts and replicas of a dev cluster; anyone can read it here, so it is refused under
 * NODE_ENV=production.
 */
export const developmentGovernanceSigningKeyPem = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINjjMZ7JsGewVhReJUEBoFOmPO0gWyq4XvTKixSTWNkj
-----END PRIVATE KEY-----
`;

/** The signing key's settings, as the tenancy config schema reads them. */
export interface GovernanceSigningKeyEnvironment {
  readonly nodeEnv: string;
  readonly governanceSigningKey: string | undefined;
  readonly governanceSigningKeyFile: string | undefined;
}

/** The key that signs erasure certificates, with what verifiers need to know about it. */
export interface GovernanceSigningKey {
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
  /** Base64url SHA-256 of the SPKI DER. */
  readonly keyId: string;
  /** True when the published development key is in use. */
  readonly development: boolean;
}

export function signingKeyFromPem(pem: string, development = false): GovernanceSigningKey {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('base64url'),
    development,
  };
}

/**
 * Reads GOVERNANCE_SIGNING_KEY (PKCS#8 PEM; `\n` escapes allowed) or
 * GOVERNANCE_SIGNING_KEY_FILE. Outside production, neither set means the development key;
 * under NODE_ENV=production one is required and the development key is refused. Returns the
 * problems instead of throwing, so the tenancy config reports them beside its own; they
 * name variables, never key material.
 */
export function readGovernanceSigningKey(environment: GovernanceSigningKeyEnvironment): {
  readonly key: GovernanceSigningKey | undefined;
  readonly violations: readonly FieldViolation[];
} {
  const production = environment.nodeEnv === 'production';
  const violations: FieldViolation[] = [];
  let pem: string | undefined;
  let field = 'GOVERNANCE_SIGNING_KEY';
  if (environment.governanceSigningKey !== undefined && environment.governanceSigningKeyFile !== undefined) {
    violations.push({ field, description: 'GOVERNANCE_SIGNING_KEY and GOVERNANCE_SIGNING_KEY_FILE are both set; choose one' });
  } else if (environment.governanceSigningKey !== undefined) {
    pem = environment.governanceSigningKey.replaceAll('\\n', '\n');
  } else if (environment.governanceSigningKeyFile !== undefined) {
    field = 'GOVERNANCE_SIGNING_KEY_FILE';
    try {
      pem = readFileSync(environment.governanceSigningKeyFile, 'utf8');
    } catch {
      violations.push({ field, description: 'cannot be read' });
    }
  } else if (production) {
    violations.push({ field, description: 'or GOVERNANCE_SIGNING_KEY_FILE is required when NODE_ENV=production' });
  } else {
    pem = developmentGovernanceSigningKeyPem;
  }
  let key: GovernanceSigningKey | undefined;
  if (pem !== undefined) {
    try {
      key = signingKeyFromPem(pem);
    } catch {
      violations.push({ field, description: 'must be an Ed25519 private key in PKCS#8 PEM' });
    }
  }
  const developmentKeyId = signingKeyFromPem(developmentGovernanceSigningKeyPem).keyId;
  if (key !== undefined && key.keyId === developmentKeyId && production) {
    violations.push({ field, description: 'is the published development key; refused when NODE_ENV=production' });
  }
  if (violations.length > 0 || key === undefined) return { key: undefined, violations };
  return { key: { ...key, development: key.keyId === developmentKeyId }, violations };
}

/** `readGovernanceSigningKey` for callers with no other settings to report: one config_invalid error. */
export function resolveGovernanceSigningKey(environment: GovernanceSigningKeyEnvironment): GovernanceSigningKey {
  const { key, violations } = readGovernanceSigningKey(environment);
  if (key === undefined) {
    const lines = violations.map((violation) => `  ${violation.field} ${violation.description}`);
    throw new CauseloopError('config_invalid', `invalid configuration:\n${lines.join('\n')}`, { violations });
  }
  return key;
}
