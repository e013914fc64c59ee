import { create, type DescMethodUnary, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { Pool } from 'pg';
import { withTenant, type TenantClient } from '../db/with-tenant.js';
import type { IncomingMetadata } from '../grpc/call-context.js';
import { recordIdempotentMutation } from './record-idempotent-mutation.js';

/** What the mutation needs of its call: the forwarded key (metadata) and who sent it. */
export interface MutationCall {
  readonly metadata: IncomingMetadata;
  readonly principal: Principal;
}

/**
 * `withTenant` for a mutation the gateway fronts with Idempotency-Key (every scoped RPC
 * whose HTTP rule is POST or PATCH). Runs `work` in the caller's workspace, builds the
 * response from what it returns, and records that answer under the call's key in the same
 * transaction (`recordIdempotentMutation`), so the side effect and the record commit
 * together: a gateway that dies before storing the answer cannot make a retry repeat the
 * effect, and the retry gets this answer. Without a key it is plain `withTenant`.
 */
export async function withIdempotentMutation<M extends DescMethodUnary>(
  pool: Pool,
  call: MutationCall,
  mutation: { readonly method: M; readonly request: MessageShape<M['input']> },
  work: (client: TenantClient) => Promise<MessageInitShape<M['output']>>,
): Promise<MessageShape<M['output']>> {
  const { metadata, principal } = call;
  return withTenant(pool, principal.workspaceId, async (client) => {
    const response = create<M['output']>(mutation.method.output, await work(client));
    await recordIdempotentMutation(client, { metadata, principal, method: mutation.method, request: mutation.request, response });
    return response;
  });
}
