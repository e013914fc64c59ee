import type { Pool } from 'pg';
import type { TenantClient } from '../db/with-tenant.js';
import { idempotencyKeyLifetimeMs } from './idempotency-key.js';

/** What a stored answer holds: the HTTP answer the gateway sent, or a backend's protobuf response. */
export type StoredResponseKind = 'http' | 'message';

export interface StoredResponse {
  readonly status: number;
  readonly kind: StoredResponseKind;
  readonly sealed: Buffer;
}

/** The outcome of presenting a key: run the request, replay, wait, or refuse. */
export type ClaimOutcome =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'completed'; readonly response: StoredResponse }
  | { readonly outcome: 'in_flight' }
  | { readonly outcome: 'reused' };

export interface ClaimRequest {
  readonly keyId: Uint8Array;
  readonly fingerprint: Uint8Array;
  /** How long the claim is ours before another request may presume us dead and take it over. */
  readonly leaseMs: number;
}

interface KeyRow {
  fingerprint: Buffer;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_kind: StoredResponseKind | null;
  response_sealed: Buffer | null;
}

/**
 * Claims a key in the current workspace (inside `withTenant`). One statement decides the
 * race: the INSERT wins for a new key, and the ON CONFLICT update wins only for an expired
 * key or an abandoned claim (lease over) of the same request. Whoever loses reads the row.
 */
export async function claimIdempotencyKey(client: TenantClient, request: ClaimRequest): Promise<ClaimOutcome> {
  const claimed = await client.query(
    `insert into idempotency_keys (workspace_id, key_id, fingerprint, state, lease_expires_at, expires_at)
     values (app_current_tenant(), $1, $2, 'in_flight',
             now() + $3 * interval '1 millisecond', now() + $4 * interval '1 millisecond')
     on conflict (workspace_id, key_id) do update
       set fingerprint = excluded.fingerprint, state = 'in_flight', lease_expires_at = excluded.lease_expires_at,
           response_status = null, response_kind = null, response_sealed = null,
           created_at = now(), expires_at = excluded.expires_at
       where idempotency_keys.expires_at < now()
          or (idempotency_keys.state = 'in_flight' and idempotency_keys.lease_expires_at < now()
              and idempotency_keys.fingerprint = excluded.fingerprint)
     returning 1`,
    [request.keyId, request.fingerprint, request.leaseMs, idempotencyKeyLifetimeMs],
  );
  if (claimed.rowCount === 1) return { outcome: 'claimed' };

  const { rows } = await client.query<KeyRow>(
    `select fingerprint, state, response_status, response_kind, response_sealed
       from idempotency_keys where workspace_id = app_current_tenant() and key_id = $1`,
    [request.keyId],
  );
  const row = rows[0];
  // Gone between the two statements (the reaper, or a released claim): the caller retries.
  if (row === undefined) return { outcome: 'in_flight' };
  if (!row.fingerprint.equals(request.fingerprint)) return { outcome: 'reused' };
  if (row.state === 'in_flight') return { outcome: 'in_flight' };
  if (row.response_status === null || row.response_kind === null || row.response_sealed === null) {
    throw new Error('a completed idempotency key has no stored answer'); // the table's CHECK forbids it
  }
  return {
    outcome: 'completed',
    response: { status: row.response_status, kind: row.response_kind, sealed: row.response_sealed },
  };
}

export interface CompleteRequest {
  readonly keyId: Uint8Array;
  readonly fingerprint: Uint8Array;
  readonly response: StoredResponse;
}

/**
 * Stores the answer of a claim we hold. Returns false when the claim is no longer ours
 * (a backend already completed it in its own transaction, or our lease ran out and
 * another request took it over): the stored answer then stays as it is.
 */
export async function completeIdempotencyKey(client: TenantClient, request: CompleteRequest): Promise<boolean> {
  const result = await client.query(
    `update idempotency_keys
        set state = 'completed', lease_expires_at = null,
            response_status = $3, response_kind = $4, response_sealed = $5
      where workspace_id = app_current_tenant() and key_id = $1 and fingerprint = $2 and state = 'in_flight'`,
    [request.keyId, request.fingerprint, request.response.status, request.response.kind, request.response.sealed],
  );
  return result.rowCount === 1;
}

/** Gives an in-flight claim up (the answer was a 5xx, or never came): the next request runs afresh. */
export async function releaseIdempotencyKey(
  client: TenantClient,
  request: { readonly keyId: Uint8Array; readonly fingerprint: Uint8Array },
): Promise<void> {
  await client.query(
    `delete from idempotency_keys
      where workspace_id = app_current_tenant() and key_id = $1 and fingerprint = $2 and state = 'in_flight'`,
    [request.keyId, request.fingerprint],
  );
}

/**
 * Records a backend mutation's answer in the same transaction as its side effect (DESIGN
 * §7): completes the gateway's claim, or creates a completed key when the call came
 * without one. Returns false when the key is already completed or names another request;
 * the caller must then roll its transaction back, so the side effect happens once.
 */
export async function recordIdempotentAnswer(client: TenantClient, request: CompleteRequest): Promise<boolean> {
  const result = await client.query(
    `insert into idempotency_keys
       (workspace_id, key_id, fingerprint, state, response_status, response_kind, response_sealed, expires_at)
     values (app_current_tenant(), $1, $2, 'completed', $3, $4, $5, now() + $6 * interval '1 millisecond')
     on conflict (workspace_id, key_id) do update
       set state = 'completed', lease_expires_at = null, response_status = excluded.response_status,
           response_kind = excluded.response_kind, response_sealed = excluded.response_sealed
       where idempotency_keys.state = 'in_flight' and idempotency_keys.fingerprint = excluded.fingerprint
     returning 1`,
    [
      request.keyId,
      request.fingerprint,
      request.response.status,
      request.response.kind,
      request.response.sealed,
      idempotencyKeyLifetimeMs,
    ],
  );
  return result.rowCount === 1;
}

/** Deletes expired keys of every workspace, a batch at a time; returns how many went. */
export async function reapIdempotencyKeys(pool: Pool, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await pool.query<{ removed: string }>('select idempotency_keys_reap($1) as removed', [batch]);
    const removed = Number(rows[0]?.removed ?? 0);
    total += removed;
    if (removed < batch) return total;
  }
}
