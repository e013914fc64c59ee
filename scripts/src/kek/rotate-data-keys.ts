import type { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { withTenant } from '@causeloop/platform/db';
import type { GrpcClient } from '@causeloop/platform/grpc';
import type { Pool } from 'pg';

export interface RotationProgress {
  readonly workspacesDone: number;
  readonly workspacesTotal: number;
  readonly keysRewrapped: number;
}

export interface RotationReport {
  readonly primaryVersion: number;
  readonly workspaces: number;
  readonly keysRewrapped: number;
  readonly keysAlreadyCurrent: number;
  /** Keys that could not be rewrapped (e.g. wrapped by a retired or missing KEK). */
  readonly keysFailed: readonly { workspaceId: string; dekVersion: number; kekVersion: number }[];
  /** How many keys each KEK version wraps once the rotation is over. */
  readonly keysByKekVersion: ReadonlyMap<number, number>;
  /** Keyring versions no stored key depends on any more: safe to retire. */
  readonly retirableVersions: readonly number[];
}

export interface RotateOptions {
  /** A pool on DATABASE_OWNER_URL: only the owner may list every workspace. */
  readonly ownerPool: Pool;
  readonly crypto: Pick<GrpcClient<typeof CryptoService>, 'batchRewrapDataKeys' | 'getKeyringStatus'>;
  /** Workspaces per batch (one progress report each). */
  readonly batchSize: number;
  readonly onProgress?: (progress: RotationProgress) => void;
}

interface KeyRow {
  readonly dek_version: number;
  readonly kek_version: number;
  readonly wrapped_key: Buffer;
}

/**
 * Rewraps every stored data key onto the crypto service's primary KEK, a batch of
 * workspaces at a time. Each workspace's keys are locked, rewrapped and written back in
 * one transaction under its tenant GUC, so a crash loses nothing: rerunning skips what is
 * already on the primary and finishes the rest. The data keys themselves never change,
 * so every value they encrypt stays readable throughout. The report says which KEK
 * versions nothing depends on any more.
 */
export async function rotateDataKeys(options: RotateOptions): Promise<RotationReport> {
  const status = await options.crypto.getKeyringStatus({});
  const primary = status.primaryVersion;
  const { rows: counted } = await options.ownerPool.query<{ total: number }>(
    'select count(*)::int as total from workspaces',
  );
  const workspacesTotal = counted[0]?.total ?? 0;
  const keysByKekVersion = new Map<number, number>();
  const keysFailed: { workspaceId: string; dekVersion: number; kekVersion: number }[] = [];
  let workspacesDone = 0;
  let keysRewrapped = 0;
  let keysAlreadyCurrent = 0;
  let after = '00000000-0000-0000-0000-000000000000';

  for (;;) {
    const { rows: batch } = await options.ownerPool.query<{ id: string }>(
      'select id from workspaces where id > $1 order by id limit $2',
      [after, options.batchSize],
    );
    if (batch.length === 0) break;
    for (const { id: workspaceId } of batch) {
      const outcome = await rewrapWorkspace(options, workspaceId, primary);
      keysRewrapped += outcome.rewrapped;
      keysAlreadyCurrent += outcome.alreadyCurrent;
      keysFailed.push(...outcome.failed);
      for (const version of outcome.finalVersions) keysByKekVersion.set(version, (keysByKekVersion.get(version) ?? 0) + 1);
    }
    workspacesDone += batch.length;
    after = batch.at(-1)!.id;
    options.onProgress?.({ workspacesDone, workspacesTotal, keysRewrapped });
  }

  return {
    primaryVersion: primary,
    workspaces: workspacesDone,
    keysRewrapped,
    keysAlreadyCurrent,
    keysFailed,
    keysByKekVersion,
    retirableVersions: status.versions
      .map((entry) => entry.version)
      .filter((version) => version !== primary && !keysByKekVersion.has(version)),
  };
}

async function rewrapWorkspace(options: RotateOptions, workspaceId: string, primary: number) {
  return withTenant(options.ownerPool, workspaceId, async (client) => {
    const { rows } = await client.query<KeyRow>(
      'select dek_version, kek_version, wrapped_key from workspace_keys where workspace_id = $1 for update',
      [workspaceId],
    );
    const stale = rows.filter((row) => row.kek_version !== primary);
    const finalVersions = rows.filter((row) => row.kek_version === primary).map(() => primary);
    const failed: { workspaceId: string; dekVersion: number; kekVersion: number }[] = [];
    let rewrapped = 0;
    if (stale.length > 0) {
      const { results } = await options.crypto.batchRewrapDataKeys({
        keys: stale.map((row) => ({ workspaceId, wrappedKey: row.wrapped_key })),
      });
      for (const [index, row] of stale.entries()) {
        const result = results[index];
        if (result === undefined || result.errorCode !== '') {
          failed.push({ workspaceId, dekVersion: row.dek_version, kekVersion: row.kek_version });
          finalVersions.push(row.kek_version);
          continue;
        }
        await client.query(
          `update workspace_keys set wrapped_key = $3, kek_version = $4, rewrapped_at = now()
            where workspace_id = $1 and dek_version = $2`,
          [workspaceId, row.dek_version, Buffer.from(result.wrappedKey), result.kekVersion],
        );
        finalVersions.push(result.kekVersion);
        rewrapped += 1;
      }
    }
    return { rewrapped, alreadyCurrent: rows.length - stale.length, failed, finalVersions };
  });
}
