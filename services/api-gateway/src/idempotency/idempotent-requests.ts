import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Message } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { Logger } from '@causeloop/platform/log';
import { metric, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  deriveIdempotencyKeyId,
  fingerprintRequest,
  idempotencyFingerprintHeader,
  idempotencyKeyHeader,
  idempotencyScopeHeader,
  openResponse,
  parseIdempotencyKey,
  releaseIdempotencyKey,
  sealResponse,
  type SealedResponseContext,
} from '@causeloop/platform/idempotency';
import { problemContentType } from '../plugins/problem-details.js';
import type { RoutedRpc } from '../routes/http-rules.js';
import { jsonContentType, jsonTranscoder } from '../routes/json-transcoder.js';

export interface IdempotencyOptions {
  /** The gateway's connection (as causeloop_app) to the idempotency_keys table. */
  readonly pool: Pool;
  /** How long a claim is held before a retry may presume its holder dead; outlasts the backend deadline. */
  readonly leaseMs: number;
  readonly registry: Registry;
  readonly logger?: Logger;
}

/** What the route handler does next for a request that may carry a key. */
export type IdempotencyStep =
  /** No key: call the backend as usual, nothing is stored. */
  | { readonly step: 'proceed'; readonly metadata: Readonly<Record<string, string>> }
  /** The stored answer was sent. */
  | { readonly step: 'answered' };

export interface IdempotentRequests {
  /**
   * For a POST or PATCH of an authenticated route: claims the key, or replays its answer,
   * or throws 409/422. Must run after authentication (the key is the principal's).
   */
  begin(request: FastifyRequest, reply: FastifyReply, route: RoutedRpc, principal: Principal, message: Message): Promise<IdempotencyStep>;
}

const replayedHeader = 'idempotency-replayed';

interface HeldClaim extends SealedResponseContext {
  readonly fingerprint: Buffer;
}

// The claim a request holds until its answer is sent, weakly keyed so nothing outlives it.
const claims = new WeakMap<FastifyRequest, HeldClaim>();

/**
 * Idempotency-Key handling (DESIGN §7, the IETF httpapi draft, Stripe's practice): the
 * first request with a key runs and its answer is stored; a retry with the same request
 * gets that answer with `Idempotency-Replayed: true`; the same key with another request is
 * 422; a retry while the first still runs is 409 with `Retry-After`. 5xx answers are not
 * stored: the claim is released and the next retry runs afresh.
 */
export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): IdempotentRequests {
  const replays = metric(options.registry, metricCatalogue.gateway.idempotentReplays);

  // onSend sees the final status and serialized body of every answer, errors included.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
    if (claim === undefined) return payload;
    claims.delete(request);
    await settle(request, claim, reply.statusCode, payload);
    return payload;
  });

  async function settle(request: FastifyRequest, claim: HeldClaim, status: number, payload: unknown): Promise<void> {
    const { keyId, fingerprint, workspaceId } = claim;
    try {
      await withTenant(options.pool, workspaceId, async (client) => {
        if (!isStorable(status) || typeof payload !== 'string') {
          await releaseIdempotencyKey(client, { keyId, fingerprint });
          return;
        }
        const sealed = sealResponse(claim, Buffer.from(payload, 'utf8'));
        await completeIdempotencyKey(client, { keyId, fingerprint, response: { status, kind: 'http', sealed } });
      });
    } catch (error) {
      // The answer still goes out; the claim's lease runs out and a retry takes it over.
      options.logger?.error({ err: error, request_id: request.id }, 'could not store an idempotent answer');
    }
  }

  return {
    async begin(request, reply, route, principal, message) {
      const key = parseIdempotencyKey(request.headers[idempotencyKeyHeader]);
      if (key === undefined) return { step: 'proceed', metadata: {} };
      const scope = `${route.httpMethod} ${route.pathTemplate}`;
      const keyId = deriveIdempotencyKeyId({ subjectId: principal.subjectId, scope, key });
      const fingerprint = fingerprintRequest(route.method.input, message);
      const claim: HeldClaim = { clientKey: key, keyId, workspaceId: principal.workspaceId, fingerprint };
      const outcome = await withTenant(options.pool, principal.workspaceId, (client) =>
        claimIdempotencyKey(client, { keyId, fingerprint, leaseMs: options.leaseMs }),
      );
      switch (outcome.outcome) {
        case 'claimed':
          claims.set(request, claim);
          return {
            step: 'proceed',
            metadata: {
              [idempotencyKeyHeader]: key,
              [idempotencyScopeHeader]: scope,
              [idempotencyFingerprintHeader]: fingerprint.toString('hex'),
            },
          };
        case 'reused':
          throw new CauseloopError('idempotency_key_reused', 'this Idempotency-Key was used with a different request');
        case 'in_flight':
          reply.header('retry-after', '1');
          throw new CauseloopError('idempotency_key_in_use', 'a request with this Idempotency-Key is still being processed');
        case 'completed': {
          const { status, kind, sealed } = outcome.response;
          const stored = openResponse(claim, sealed);
          replays.inc();
          // A backend records the RPC's answer, not an HTTP status: its route's success status it is.
          reply.header(replayedHeader, 'true').code(kind === 'message' ? route.successStatus : status);
          if (kind === 'message') {
            reply.type(jsonContentType).send(jsonTranscoder(route.method.output)(stored));
          } else {
            reply.type(status >= 400 ? problemContentType : 'application/json').send(stored.toString('utf8'));
          }
          return { step: 'answered' };
        }
      }
    },
  };
}

/** For an app without an idempotency store: a key cannot be honoured, so it is refused, never ignored. */
export const refuseIdempotencyKeys: IdempotentRequests = {
  begin: () => Promise.reject(new CauseloopError('unimplemented', 'this gateway has no idempotency store; send the request without an Idempotency-Key')),
};

/**
 * Answers a retry must see again: successes and the caller's own mistakes. Not 5xx (the
 * next try may succeed), nor a client that went away or timed out (no answer was given).
 */
function isStorable(status: number): boolean {
  return status < 500 && status !== 408 && status !== 499;
}

/** Whether the route's method takes an Idempotency-Key (DESIGN §7: POST and PATCH). */
export function acceptsIdempotencyKey(route: RoutedRpc): boolean {
  return route.httpMethod === 'POST' || route.httpMethod === 'PATCH';
}
