import type { Pool } from 'pg';
import type { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import type { Logger } from '@causeloop/platform/log';
import type { Registry } from '@causeloop/platform/metrics';
import type { Envelope } from '@causeloop/platform/envelope';
import type { GrpcClient } from '@causeloop/platform/grpc';
import type { PrincipalResolver } from '@causeloop/platform/identity';

/**
 * Everything the tenancy service's parts are built from, made once in main.ts (or a
 * test) and shared by the workspace, member and provisioning services, the retention
 * purge, and the audit-log and governance services.
 */
export interface TenancyDeps {
  /** The app-role pool; every tenant query goes through `withTenant` on it. */
  readonly pool: Pool;
  readonly crypto: GrpcClient<typeof CryptoService>;
  /** Column encryption with per-workspace data keys, over `crypto`. */
  readonly envelope: Envelope;
  /** Resolves the caller of a scoped RPC (principal assertion or bearer token). */
  readonly principals: PrincipalResolver;
  /** The service's metrics registry: the gate counts authentications and denied calls on it. */
  readonly registry: Registry;
  readonly logger: Logger;
  /** Now; tests pass a fixed clock to reach expiry without waiting. */
  readonly clock: () => Date;
  /** Signs list cursors (platform readPage/writePage); the same on every replica (CURSOR_SIGNING_KEY). */
  readonly cursorKey: Buffer;
  /** SHA-256 of every accepted operator token; empty refuses all provisioning. */
  readonly operatorTokenHashes: readonly Buffer[];
}
