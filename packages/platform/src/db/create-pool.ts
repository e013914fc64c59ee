import { Pool } from 'pg';
import type { Logger } from '../log/create-logger.js';

export interface PoolOptions {
  readonly connectionString: string;
  /** Shown in pg_stat_activity, so an operator can tell which service holds a connection. */
  readonly applicationName: string;
  /** Most connections the pool opens; 10 when omitted. */
  readonly max?: number;
  /** Server-side limit per statement; 30 s when omitted. */
  readonly statementTimeoutMs?: number;
  /** Where errors of idle clients are reported; they are swallowed when omitted. */
  readonly logger?: Logger;
}

const defaultMax = 10;
const defaultStatementTimeoutMs = 30_000;

/**
 * The process's connection pool. Create it in `main.ts` and pass it down; never a module
 * singleton. Services follow this with `assertAppRole(pool)`.
 */
export function createPool(options: PoolOptions): Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? defaultStatementTimeoutMs;
  const pool = new Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? defaultMax,
    statement_timeout: statementTimeoutMs,
    // A transaction left open by a stuck caller would hold locks and a pooled connection.
    idle_in_transaction_session_timeout: Math.max(statementTimeoutMs * 2, 60_000),
    connectionTimeoutMillis: 10_000,
  });
  // Without a listener, an idle client losing its connection (server restart, failover)
  // emits an unhandled 'error' and kills the process; the pool already discards it.
  pool.on('error', (error) => {
    options.logger?.warn({ err: error }, 'idle database connection failed; it was discarded');
  });
  return pool;
}
