import { createHash, timingSafeEqual } from 'node:crypto';
import { CauseloopError } from '@causeloop/platform/errors';
import type { IncomingMetadata } from '@causeloop/platform/grpc';
import { bearerToken, operatorTokenPrefix } from '@causeloop/platform/identity';

/**
 * Provisioning's credential check: an operator token (`clp_op_…`) in `authorization:
 * Bearer` metadata whose SHA-256 is one of OPERATOR_TOKEN_SHA256. Workspace credentials
 * and principal assertions count for nothing here. Every configured hash is compared in
 * constant time (no early exit), so timing tells nothing about which or how many match.
 */
export function requireOperator(metadata: IncomingMetadata, acceptedHashes: readonly Buffer[]): void {
  const token = bearerToken(metadata.get('authorization'));
  if (token === undefined || !token.startsWith(operatorTokenPrefix)) throw new CauseloopError('unauthenticated', 'an operator token is required');
  const presented = createHash('sha256').update(token, 'utf8').digest();
  let matched = false;
  for (const accepted of acceptedHashes) {
    matched = timingSafeEqual(presented, accepted) || matched;
  }
  if (!matched) throw new CauseloopError('unauthenticated', 'an operator token is required');
}
