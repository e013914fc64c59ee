import { hkdfSync } from 'node:crypto';
import { keyBytes, open, prepareKey, seal, type PreparedKey } from '../crypto/committing-aead.js';

// Format version of a stored answer; the first byte, authenticated with the rest.
const formatV1 = Uint8Array.of(1);
const salt = Buffer.from('causeloop/idempotency-response/v1', 'utf8');

/**
 * The key that seals a stored answer, derived from the client's Idempotency-Key: the
 * database alone cannot open it, and only a request presenting the same key can replay it.
 */
function responseKey(clientKey: string, keyId: Uint8Array): PreparedKey {
  return prepareKey(new Uint8Array(hkdfSync('sha256', Buffer.from(clientKey, 'utf8'), salt, keyId, keyBytes)));
}

export interface SealedResponseContext {
  readonly clientKey: string;
  readonly keyId: Uint8Array;
  readonly workspaceId: string;
}

export function sealResponse(context: SealedResponseContext, plaintext: Uint8Array): Buffer {
  return seal({
    key: responseKey(context.clientKey, context.keyId),
    prefix: formatV1,
    context: ['idempotency-response', context.workspaceId, context.keyId],
    plaintext,
  });
}

/** Throws `OpenFailure` when the stored bytes were changed or belong to another key or workspace. */
export function openResponse(context: SealedResponseContext, sealed: Uint8Array): Buffer {
  if (sealed[0] !== formatV1[0]) throw new Error('stored idempotent answer has an unknown format version');
  return open({
    key: responseKey(context.clientKey, context.keyId),
    prefixLength: formatV1.length,
    context: ['idempotency-response', context.workspaceId, context.keyId],
    sealed,
  });
}
