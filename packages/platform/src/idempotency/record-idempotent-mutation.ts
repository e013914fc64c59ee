import { toBinary, type DescMethodUnary, type MessageShape } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { TenantClient } from '../db/with-tenant.js';
import { CauseloopError } from '../errors/causeloop-error.js';
import type { IncomingMetadata } from '../grpc/call-context.js';
import {
  deriveIdempotencyKeyId,
  fingerprintRequest,
  idempotencyFingerprintHeader,
  idempotencyKeyHeader,
  idempotencyScopeHeader,
  parseIdempotencyKey,
} from './idempotency-key.js';
import { recordIdempotentAnswer } from './idempotency-store.js';
import { sealResponse } from './sealed-response.js';

export interface IdempotentMutation<M extends DescMethodUnary> {
  readonly metadata: IncomingMetadata;
  readonly principal: Principal;
  readonly method: M;
  readonly request: MessageShape<M['input']>;
  readonly response: MessageShape<M['output']>;
}

/**
 * The backend half of DESIGN §7, run by `withIdempotentMutation` (the one way services use
 * it) last inside the transaction that carries out a mutation, with the answer about to be
 * returned. When the call carries an `idempotency-key`, the answer is stored with the key
 * in that same transaction, so the side effect and the record commit together: a gateway
 * that dies before storing the answer cannot make a retry repeat the effect. When the key
 * was already completed (the request ran before), this throws `idempotency_key_in_use` and
 * the transaction rolls back; a retry then replays the stored answer. Without a key it
 * does nothing.
 */
export async function recordIdempotentMutation<M extends DescMethodUnary>(
  client: TenantClient,
  mutation: IdempotentMutation<M>,
): Promise<void> {
  const key = parseIdempotencyKey(metadataText(mutation.metadata, idempotencyKeyHeader));
  if (key === undefined) return;
  const { method, principal } = mutation;
  // Through the gateway the scope is its route; a direct caller's key is scoped to the RPC.
  const scope = metadataText(mutation.metadata, idempotencyScopeHeader) ?? `grpc /${method.parent.typeName}/${method.name}`;
  const fingerprint = fingerprintRequest(method.input, mutation.request);
  const forwarded = metadataText(mutation.metadata, idempotencyFingerprintHeader);
  if (forwarded !== undefined && forwarded !== fingerprint.toString('hex')) {
    throw new CauseloopError('invalid_argument', 'the idempotency fingerprint does not match this request');
  }
  const keyId = deriveIdempotencyKeyId({ subjectId: principal.subjectId, scope, key });
  const sealed = sealResponse(
    { clientKey: key, keyId, workspaceId: principal.workspaceId },
    toBinary(method.output, mutation.response),
  );
  const recorded = await recordIdempotentAnswer(client, {
    keyId,
    fingerprint,
    response: { status: 200, kind: 'message', sealed },
  });
  if (!recorded) {
    throw new CauseloopError(
      'idempotency_key_in_use',
      'this request was already carried out under its Idempotency-Key; retry to receive its answer',
    );
  }
}

function metadataText(metadata: IncomingMetadata, key: string): string | undefined {
  const value = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}
