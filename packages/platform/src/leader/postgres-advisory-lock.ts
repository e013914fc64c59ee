import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../log/create-logger.js';
import type { LeaderLock, LockAttempt } from './leader-lock.js';

/**
 * Leader election outside a cluster: a session advisory lock, keyed by a hash of the
 * election's name, on one connection taken from the pool while leader (followers hold
 * none). PostgreSQL frees the lock when that session ends, so a leader killed with
 * SIGKILL, or cut off from the database, lets a peer in at its next try. A renewal checks
 * that the session still holds the lock; a broken connection is lost leadership.
 */
export function createPostgresAdvisoryLock(options: { pool: Pool; name: string; logger: Logger }): LeaderLock {
  const { pool, name, logger } = options;
  let session: PoolClient | undefined;
  let broken = false;

  const onError = (error: Error) => {
    // An idle checked-out client reports a dropped connection here, not on a query.
    logger.warn({ err: error, election: name }, 'leader lock connection failed');
    broken = true;
  };

  function drop(destroy: boolean): void {
    const held = session;
    session = undefined;
    if (held === undefined) return;
    held.off('error', onError);
    // A destroyed client closes its connection, which frees the lock if the server still has it.
    held.release(destroy ? new Error('leader lock given up') : undefined);
  }

  async function take(): Promise<LockAttempt> {
    const client = await pool.connect();
    try {
      const result = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock(hashtextextended('causeloop.leader:' || $1, 0)) as locked",
        [name],
      );
      if (result.rows[0]?.locked !== true) {
        client.release();
        return { held: false };
      }
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    broken = false;
    client.on('error', onError);
    session = client;
    return { held: true };
  }

  async function renew(client: PoolClient): Promise<LockAttempt> {
    if (broken) {
      drop(true);
      return { held: false };
    }
    try {
      const result = await client.query<{ held: boolean }>(
        `select exists (
           select 1 from pg_locks
            where locktype = 'advisory' and pid = pg_backend_pid() and granted and objsubid = 1
              and ((classid::bigint << 32) | objid::bigint) = hashtextextended('causeloop.leader:' || $1, 0)
         ) as held`,
        [name],
      );
      if (result.rows[0]?.held === true) return { held: true };
      drop(true);
      return { held: false };
    } catch (error) {
      drop(true);
      throw error;
    }
  }

  return {
    backend: 'postgres',
    claimOutlivesFailedRenewal: false,
    attempt: () => (session === undefined ? take() : renew(session)),
    async release() {
      const client = session;
      if (client === undefined) return;
      try {
        await client.query("select pg_advisory_unlock(hashtextextended('causeloop.leader:' || $1, 0))", [name]);
        drop(false);
      } catch (error) {
        logger.warn({ err: error, election: name }, 'leader lock release failed; closing its connection');
        drop(true);
      }
    },
    async abandon() {
      drop(true);
    },
  };
}
