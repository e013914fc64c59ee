import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { CauseloopError } from '../errors/causeloop-error.js';
import { isUuid } from '../ids/uuid.js';

/**
 * What a tenant callback may do with its connection: run queries. It cannot release the
 * client, commit, or outlive the call, so the GUC it runs under cannot leak.
 */
export interface TenantClient {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}


/**
 * Runs `fn` in one transaction scoped to `workspaceId`: BEGIN, set the transaction-local
 * `app.current_workspace`, run, COMMIT (ROLLBACK when `fn` throws). The only way services
 * do tenant work. Because the setting is transaction-local it ends with the transaction,
 * which keeps this correct behind transaction-mode poolers and on reused connections.
 */
export async function withTenant<T>(
  pool: Pool,
  workspaceId: string,
  fn: (client: TenantClient) => Promise<T>,
): Promise<T> {
  assertWorkspaceId(workspaceId);
  const client = await pool.connect();
  let open = true;
  const tenantClient: TenantClient = {
    query: <R extends QueryResultRow>(text: string, values?: readonly unknown[]) => {
      if (!open) {
        return Promise.reject(
          new CauseloopError('tenant_not_set', 'a tenant client was used after its withTenant call had finished'),
        );
      }
      return client.query<R>(text, values === undefined ? undefined : [...values]);
    },
  };
  try {
    // One round trip for both: a simple-protocol query may hold two statements but no
    // parameters, and the id can be written into the text only because
    // assertWorkspaceId proved it is a UUID (hex digits and dashes, nothing to escape).
    await client.query(`begin; select pg_catalog.set_config('app.current_workspace', '${workspaceId}', true)`);
    const result = await fn(tenantClient);
    open = false;
    await client.query('commit');
    client.release();
    return result;
  } catch (error) {
    open = false;
    await rollbackAndRelease(client);
    throw error;
  }
}

function assertWorkspaceId(workspaceId: string): void {
  if (typeof workspaceId !== 'string' || workspaceId === '') {
    throw new CauseloopError('tenant_not_set', 'tenant work needs a workspace id; refusing to run unscoped');
  }
  if (!isUuid(workspaceId)) {
    throw new CauseloopError('invalid_argument', 'workspace id is not a UUID; refusing to run unscoped');
  }
}

async function rollbackAndRelease(client: PoolClient): Promise<void> {
  try {
    // After a failed COMMIT the transaction is already gone; ROLLBACK then only warns.
    await client.query('rollback');
    client.release();
  } catch (rollbackError) {
    // The connection's state is unknown (possibly still inside the transaction with the
    // tenant set): destroy it rather than hand it to the next caller.
    client.release(rollbackError instanceof Error ? rollbackError : true);
  }
}
