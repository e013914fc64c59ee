import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  baseConfigSchema,
  databaseConfigSchema,
  env,
  grpcServerConfigSchema,
  optional,
  type ConfigOf,
} from '@causeloop/platform/config';
import { CauseloopError, type FieldViolation } from '@causeloop/platform/errors';
import { developmentJwtSecret } from './development-secret.js';

/** Issuer and audience of Causeloop access tokens (DESIGN §6). */
export const accessTokenIssuer = 'causeloop';
export const accessTokenAudience = 'causeloop-api';
/** Shortest JWT_SECRET accepted (bytes): anyone holding it can impersonate anyone. */
export const minimumJwtSecretBytes = 32;

/** The auth service's environment, as read; `resolveAuthConfig` checks how the parts fit. */
export const authConfigSchema = {
  ...baseConfigSchema,
  ...grpcServerConfigSchema,
  ...databaseConfigSchema,
  jwtSecret: optional(env.secret('JWT_SECRET')),
  accessTokenTtlSeconds: env.integer('ACCESS_TOKEN_TTL_SECONDS', { default: 900, min: 30, max: 86_400 }),
  refreshTokenTtlSeconds: env.integer('REFRESH_TOKEN_TTL_SECONDS', { default: 30 * 86_400, min: 60, max: 365 * 86_400 }),
  refreshReuseGraceSeconds: env.integer('REFRESH_REUSE_GRACE_SECONDS', { default: 10, min: 0, max: 300 }),
  idpJwksUrl: optional(env.url('IDP_JWKS_URL', { protocols: ['https:', 'http:'] })),
  idpIssuer: optional(env.string('IDP_ISSUER')),
  idpAudience: optional(env.string('IDP_AUDIENCE')),
  /** Ed25519 private key (PKCS#8 PEM) that signs principal assertions. */
  assertionPrivateKey: optional(env.secret('PRINCIPAL_ASSERTION_PRIVATE_KEY')),
  assertionPrivateKeyFile: optional(env.string('PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE')),
  assertionTtlSeconds: env.integer('PRINCIPAL_ASSERTION_TTL_SECONDS', { default: 60, min: 5, max: 900 }),
};

export type AuthEnvironment = ConfigOf<typeof authConfigSchema>;

export interface IdentityProviderConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Tests only: how long an unknown `kid` is refused without a refetch (the platform's default otherwise). */
  readonly unknownKidCooldownSeconds?: number;
}

/** Resolved: nothing downstream re-checks `undefined` or re-validates a secret. */
export type AuthConfig = Omit<
  AuthEnvironment,
  'jwtSecret' | 'idpJwksUrl' | 'idpIssuer' | 'idpAudience' | 'assertionPrivateKey' | 'assertionPrivateKeyFile'
> & {
  readonly jwtSecret: string;
  /** Undefined: no identity provider; exchange is `unavailable` (or the dev local mode). */
  readonly identityProvider: IdentityProviderConfig | undefined;
  readonly assertionPrivateKeyPem: string;
  /**
   * True when no key was configured outside production and a throwaway one was made at
   * start: assertions then verify only against this process's public key (fine for
   * `npm start` and tests; production requires PRINCIPAL_ASSERTION_PRIVATE_KEY[_FILE]).
   */
  readonly assertionKeyEphemeral: boolean;
};

/**
 * Checks what single variables cannot: JWT_SECRET long enough and, in production, set and
 * not the published development value; the identity-provider triple all or none; exactly
 * one assertion key source holding an Ed25519 private key. Every problem in one
 * `config_invalid` error, naming variables and never values.
 */
export function resolveAuthConfig(environment: AuthEnvironment): AuthConfig {
  const violations: FieldViolation[] = [];
  const production = environment.nodeEnv === 'production';

  let jwtSecret = environment.jwtSecret;
  if (jwtSecret === undefined) {
    if (production) violations.push({ field: 'JWT_SECRET', description: 'is required when NODE_ENV=production' });
    jwtSecret = developmentJwtSecret;
  } else if (Buffer.byteLength(jwtSecret, 'utf8') < minimumJwtSecretBytes) {
    violations.push({ field: 'JWT_SECRET', description: `must be at least ${minimumJwtSecretBytes} bytes long` });
  } else if (production && jwtSecret === developmentJwtSecret) {
    violations.push({ field: 'JWT_SECRET', description: 'is the published development secret; refused when NODE_ENV=production' });
  }

  const idp = [environment.idpJwksUrl, environment.idpIssuer, environment.idpAudience];
  let identityProvider: IdentityProviderConfig | undefined;
  if (idp.every((value) => value !== undefined)) {
    identityProvider = { jwksUrl: idp[0]!, issuer: idp[1]!, audience: idp[2]! };
  } else if (idp.some((value) => value !== undefined)) {
    violations.push({
      field: 'IDP_JWKS_URL',
      description: 'IDP_JWKS_URL, IDP_ISSUER and IDP_AUDIENCE must be set together (or none of them)',
    });
  }

  let assertionPrivateKeyPem = '';
  let assertionKeyEphemeral = false;
  if (environment.assertionPrivateKey !== undefined && environment.assertionPrivateKeyFile !== undefined) {
    violations.push({
      field: 'PRINCIPAL_ASSERTION_PRIVATE_KEY',
      description: 'PRINCIPAL_ASSERTION_PRIVATE_KEY and PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE are both set; choose one',
    });
  } else {
    const field = environment.assertionPrivateKeyFile !== undefined ? 'PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE' : 'PRINCIPAL_ASSERTION_PRIVATE_KEY';
    const pem = readKeySource(environment, violations);
    if (pem === undefined) {
      const unreadable = violations.some((violation) => violation.field === field);
      if (unreadable) {
        // already reported by readKeySource
      } else if (production) {
        violations.push({
          field: 'PRINCIPAL_ASSERTION_PRIVATE_KEY',
          description: 'or PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE is required when NODE_ENV=production',
        });
      } else {
        assertionPrivateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        assertionKeyEphemeral = true;
      }
    } else if (!isEd25519PrivateKey(pem)) {
      violations.push({ field, description: 'must be an Ed25519 private key in PKCS#8 PEM' });
    } else {
      assertionPrivateKeyPem = pem;
    }
  }

  if (violations.length > 0) {
    const lines = violations.map((violation) => `  ${violation.field} ${violation.description}`);
    throw new CauseloopError('config_invalid', `invalid configuration:\n${lines.join('\n')}`, { violations });
  }
  const {
    jwtSecret: _secret,
    idpJwksUrl: _url,
    idpIssuer: _issuer,
    idpAudience: _audience,
    assertionPrivateKey: _key,
    assertionPrivateKeyFile: _file,
    ...rest
  } = environment;
  return Object.freeze({ ...rest, jwtSecret, identityProvider, assertionPrivateKeyPem, assertionKeyEphemeral });
}

function readKeySource(environment: AuthEnvironment, violations: FieldViolation[]): string | undefined {
  if (environment.assertionPrivateKey !== undefined) return environment.assertionPrivateKey.replaceAll('\\n', '\n');
  if (environment.assertionPrivateKeyFile === undefined) return undefined;
  try {
    return readFileSync(environment.assertionPrivateKeyFile, 'utf8');
  } catch {
    violations.push({ field: 'PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE', description: 'cannot be read' });
    return undefined;
  }
}

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}
