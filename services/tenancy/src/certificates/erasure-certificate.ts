import { createPublicKey, sign, verify } from 'node:crypto';
import type { GovernanceSigningKey } from './signing-key.js';

export const certificateType = 'causeloop.erasure-certificate.v1';

/** What an erasure certificate states; ids only, never the subject's personal data. */
export interface ErasureCertificateClaims {
  readonly requestId: string;
  readonly workspaceId: string;
  readonly subjectId: string;
  readonly requestedBy: string;
  readonly approvedBy: string;
  readonly requestedAt: Date;
  readonly completedAt: Date;
  /** Rows changed per `<table>.<column>` (and tokens revoked, membership ended). */
  readonly counts: Readonly<Record<string, number>>;
}

export interface SignedCertificate {
  /** The exact JSON text signed. */
  readonly payload: string;
  /** Base64url Ed25519 signature over the payload's UTF-8 bytes. */
  readonly signature: string;
  readonly algorithm: 'Ed25519';
  readonly keyId: string;
}

/** Signs the claims as JSON; verifiers check the signature over `payload` as sent, byte for byte. */
export function signErasureCertificate(key: GovernanceSigningKey, claims: ErasureCertificateClaims): SignedCertificate {
  const counts = Object.fromEntries(Object.entries(claims.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const payload = JSON.stringify({
    type: certificateType,
    request_id: claims.requestId,
    workspace_id: claims.workspaceId,
    subject_id: claims.subjectId,
    requested_by: claims.requestedBy,
    approved_by: claims.approvedBy,
    requested_at: claims.requestedAt.toISOString(),
    completed_at: claims.completedAt.toISOString(),
    counts,
    key_id: key.keyId,
  });
  const signature = sign(null, Buffer.from(payload, 'utf8'), key.privateKey).toString('base64url');
  return { payload, signature, algorithm: 'Ed25519', keyId: key.keyId };
}

/** True when `signature` is the Ed25519 signature of `payload` under the SPKI PEM public key. */
export function verifyErasureCertificate(certificate: { payload: string; signature: string }, publicKeyPem: string): boolean {
  return verify(
    null,
    Buffer.from(certificate.payload, 'utf8'),
    createPublicKey(publicKeyPem),
    Buffer.from(certificate.signature, 'base64url'),
  );
}
