import { setTimeout as sleep } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import {
  AuthService,
  CreatePersonalAccessTokenRequestSchema,
} from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTenant, type TenantClient } from '@causeloop/platform/db';
import {
  fingerprintRequest,
  idempotencyFingerprintHeader,
  idempotencyKeyHeader,
  idempotencyScopeHeader,
  reapIdempotencyKeys,
} from '@causeloop/platform/idempotency';
import { principalAssertionHeader } from '@causeloop/platform/identity';
import { bearer, signIn, startGatewayBackend, type GatewayBackend } from './support/backend.js';

let backend: GatewayBackend;
let app: FastifyInstance;
let ownerToken: string;

beforeAll(async () => {
  backend = await startGatewayBackend();
  await backend.seedMember('owner@idempotency.test', 'owner');
  app = await backend.buildGateway();
  ownerToken = await signIn(app, 'owner@idempotency.test');
});

afterAll(async () => {
  await backend?.close();
});

function createToken(key: string | undefined, body: object, gateway = app): Promise<LightMyRequestResponse> {
  return gateway.inject({
    method: 'POST',
    url: '/v1/api-tokens',
    headers: { ...bearer(ownerToken), ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body,
  });
}

/** What a well-behaved client does: on 409 it waits the Retry-After and tries again. */
async function createTokenRetrying(key: string, body: object): Promise<LightMyRequestResponse> {
  for (;;) {
    const response = await createToken(key, body);
    if (response.statusCode !== 409) return response;
    await sleep(Number(response.headers['retry-after']) * 1000);
  }
}

/** Runs `fn` in the test workspace as the schema owner: sees what the app role sees, and more. */
async function asOwner<T>(fn: (client: TenantClient) => Promise<T>): Promise<T> {
  const owner = createPool({ connectionString: backend.database.ownerUrl, applicationName: 'idempotency-test', max: 1 });
  try {
    return await withTenant(owner, backend.workspaceId, fn);
  } finally {
    await owner.end();
  }
}

async function liveTokensNamed(name: string): Promise<number> {
  return asOwner(async (client) => {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from api_tokens where name = $1', [name]);
    return Number(rows[0]?.n);
  });
}

describe('Idempotency-Key', () => {
  it('runs 50 concurrent POSTs with one key exactly once, and all get the same answer', async () => {
    const body = { name: 'concurrent', scopes: ['issues:read'] };
    const servedBefore = await backend.servedCalls('CreatePersonalAccessToken');
    const responses = await Promise.all(Array.from({ length: 50 }, () => createTokenRetrying('key-concurrent', body)));

    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([200]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    expect(responses[0]?.json()).toMatchObject({ secret: expect.stringMatching(/^clp_pat_/) });
    expect(responses.filter((response) => response.headers['idempotency-replayed'] === 'true')).toHaveLength(49);
    expect(await liveTokensNamed('concurrent')).toBe(1);
    expect((await backend.servedCalls('CreatePersonalAccessToken')) - servedBefore).toBe(1);
  });

  it('replays the stored answer on a retry, marked Idempotency-Replayed', async () => {
    const body = { name: 'replayed', scopes: ['issues:read'] };
    const first = await createToken('key-replay', body);
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    // Same request in another spelling (camelCase, other key order): the same fingerprint.
    const again = await createToken('key-replay', { scopes: ['issues:read'], name: 'replayed' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['x-request-id']).toBeDefined();
    expect(again.headers['cache-control']).toBe('no-store');
  });

  it('refuses the same key with a changed body: 422 idempotency_key_reused, nothing created', async () => {
    expect((await createToken('key-changed', { name: 'original', scopes: ['issues:read'] })).statusCode).toBe(200);
    const changed = await createToken('key-changed', { name: 'changed', scopes: ['issues:read'] });
    expect(changed.statusCode).toBe(422);
    expect(changed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(changed.json()).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect(await liveTokensNamed('changed')).toBe(0);
  });

  it('keeps keys apart per principal: another member using the same key runs their own request', async () => {
    await backend.seedMember('second@idempotency.test', 'owner');
    const secondToken = await signIn(app, 'second@idempotency.test');
    const body = { name: 'per-principal', scopes: ['issues:read'] };
    expect((await createToken('key-shared', body)).statusCode).toBe(200);
    const theirs = await app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: { ...bearer(secondToken), 'idempotency-key': 'key-shared' },
      payload: body,
    });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.headers['idempotency-replayed']).toBeUndefined();
    expect(await liveTokensNamed('per-principal')).toBe(2);
  });

  it('stores the caller’s own mistakes (4xx) and replays them', async () => {
    const body = { name: 'too-wide', scopes: ['no-such:scope'] };
    const first = await createToken('key-4xx', body);
    expect(first.statusCode).toBe(403);
    const again = await createToken('key-4xx', body);
    expect(again.statusCode).toBe(403);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('refuses malformed keys with 400 before any backend work', async () => {
    for (const key of ['', 'spaced key', 'x'.repeat(256), 'tab\tkey', 'caf\u00e9']) {
      const before = backend.calls.length;
      const response = await app.inject({
        method: 'POST',
        url: '/v1/api-tokens',
        headers: { ...bearer(ownerToken), 'idempotency-key': key },
        payload: { name: 'malformed', scopes: [] },
      });
      expect(response.statusCode, JSON.stringify(key)).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_argument' });
      expect(backend.calls.length).toBe(before);
    }
  });

  it('refuses a key on a route that needs no authentication (nobody to scope it to)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/exchange',
      headers: { 'idempotency-key': 'key-public' },
      payload: { subject_token: 'dev:owner@idempotency.test' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_argument' });
  });

  it('does not store a 5xx: a gateway that gave up (deadline) leaves the retry free, and still no duplicate', async () => {
    const impatient = await backend.buildGateway({ app: { backendDeadlineMs: 1 } });
    const body = { name: 'after-timeout', scopes: ['issues:read'] };
    const timedOut = await createToken('key-5xx', body, impatient);
    expect(timedOut.statusCode).toBe(504);
    // The backend may still have created the token after the gateway stopped waiting: it
    // recorded its answer with the key in the same transaction, so the retry replays it.
    const retried = await createTokenRetrying('key-5xx', body);
    expect(retried.statusCode).toBe(200);
    expect(await liveTokensNamed('after-timeout')).toBe(1);
  });

  it('replays the backend’s own record when the gateway died between the side effect and storing the answer', async () => {
    const body = { name: 'gateway-died', scopes: ['issues:read'] };
    // The gateway's half: it had authenticated and forwarded the key, then died before storing.
    const { assertion } = await backend.authClient.authenticate({ token: ownerToken });
    const request = create(CreatePersonalAccessTokenRequestSchema, body);
    const direct = await backend.authClient.createPersonalAccessToken(request, {
      metadata: {
        [principalAssertionHeader]: assertion,
        [idempotencyKeyHeader]: 'key-died',
        [idempotencyScopeHeader]: 'POST /v1/api-tokens',
        [idempotencyFingerprintHeader]: fingerprintRequest(AuthService.method.createPersonalAccessToken.input, request).toString('hex'),
      },
    });
    const retried = await createToken('key-died', body);
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotency-replayed']).toBe('true');
    expect(retried.json()).toMatchObject({ secret: direct.secret, token: { id: direct.token?.id } });
    expect(await liveTokensNamed('gateway-died')).toBe(1);
  });

  it('refuses a backend call whose forwarded fingerprint does not match its request', async () => {
    const { assertion } = await backend.authClient.authenticate({ token: ownerToken });
    await expect(
      backend.authClient.createPersonalAccessToken(create(CreatePersonalAccessTokenRequestSchema, { name: 'forged' }), {
        metadata: {
          [principalAssertionHeader]: assertion,
          [idempotencyKeyHeader]: 'key-forged',
          [idempotencyFingerprintHeader]: '00'.repeat(32),
        },
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await liveTokensNamed('forged')).toBe(0);
  });

  it('stores answers sealed: the table holds neither the key nor a readable secret', async () => {
    const created = await createToken('key-sealed-secret', { name: 'sealed', scopes: ['issues:read'] });
    const secret = (created.json() as { secret: string }).secret;
    const dump = await asOwner(async (client) => {
      const { rows } = await client.query<{ row: string }>('select t::text as row from idempotency_keys t');
      return rows.map((row) => row.row).join('\n');
    });
    expect(dump).not.toContain('key-sealed-secret');
    expect(dump).not.toContain(Buffer.from('key-sealed-secret').toString('hex'));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('forgets keys after 24 h: the reaper deletes expired keys and the key runs afresh', async () => {
    const body = { name: 'expired', scopes: ['issues:read'] };
    expect((await createToken('key-expired', body)).statusCode).toBe(200);
    // Age every key of the workspace past its lifetime.
    await asOwner((client) => client.query(`update idempotency_keys set expires_at = now() - interval '1 second'`));
    expect(await reapIdempotencyKeys(backend.gatewayPool)).toBeGreaterThan(0);
    const count = await withTenant(backend.gatewayPool, backend.workspaceId, async (client) =>
      Number((await client.query<{ n: string }>('select count(*) as n from idempotency_keys')).rows[0]?.n),
    );
    expect(count).toBe(0);
    // The same key now runs as a new request: the name is taken, so the backend refuses it.
    const again = await createToken('key-expired', body);
    expect(again.headers['idempotency-replayed']).toBeUndefined();
    expect(again.json()).toMatchObject({ code: 'already_exists' });
  });
});
