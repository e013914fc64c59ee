import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export interface LocalIdentityProviderOptions {
  readonly issuer?: string;
  readonly audience?: string;
}

export interface LocalIdentityTokenClaims {
  readonly sub: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
}

export interface LocalIdentityTokenOptions {
  /** Header `kid`; default the current key's. Naming another signs with the current key anyway. */
  readonly kid?: string;
  /** jose duration or epoch seconds; default '5m'. */
  readonly expiresIn?: string | number;
  readonly notBefore?: string | number;
  readonly issuer?: string;
  readonly audience?: string;
  /** Default 'RS256'; another RSA algorithm re-imports the current key for it. */
  readonly algorithm?: string;
}

export interface LocalIdentityProvider {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly currentKid: string;
  /** JWKS requests received, including those answered 503 while down. */
  readonly requests: number;
  issueToken(claims: LocalIdentityTokenClaims, options?: LocalIdentityTokenOptions): Promise<string>;
  /** A new key and kid; the old key leaves the JWKS at once. Returns the new kid. */
  rotateKey(): Promise<string>;
  /** While down, the JWKS answers 503. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

const jwksPath = '/.well-known/jwks.json';

/**
 * A stand-in identity provider for tests: a real HTTP server on 127.0.0.1 serving a JWKS,
 * so verifiers exercise jose's real remote-JWKS path (fetch, cache, cooldown, rotation).
 */
export async function startLocalIdentityProvider(
  options: LocalIdentityProviderOptions = {},
): Promise<LocalIdentityProvider> {
  let key = await createSigningKey();
  let down = false;
  let requests = 0;

  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== jwksPath) {
      response.writeHead(404).end();
      return;
    }
    requests += 1;
    if (down) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const issuer = options.issuer ?? baseUrl;
  const audience = options.audience ?? 'causeloop-test';

  return {
    jwksUrl: baseUrl + jwksPath,
    issuer,
    audience,
    get currentKid() {
      return key.kid;
    },
    get requests() {
      return requests;
    },
    async issueToken(claims, tokenOptions = {}) {
      const algorithm = tokenOptions.algorithm ?? 'RS256';
      const signingKey = await importJWK(key.privateJwk, algorithm);
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: algorithm, kid: tokenOptions.kid ?? key.kid, typ: 'JWT' })
        .setIssuer(tokenOptions.issuer ?? issuer)
        .setAudience(tokenOptions.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(tokenOptions.expiresIn ?? '5m');
      if (tokenOptions.notBefore !== undefined) jwt.setNotBefore(tokenOptions.notBefore);
      return jwt.sign(signingKey);
    },
    async rotateKey() {
      key = await createSigningKey();
      return key.kid;
    },
    setDown(value) {
      down = value;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  // The private JWK without `alg`, so tests can sign with RS384/RS512 or PS256 too.
  const privateJwk = { ...(await exportJWK(privateKey)), kid };
  return { kid, privateJwk, publicJwk };
}
