import type { TenantClient } from '@causeloop/platform/db';
import type { ClusterSnapshot } from '../grouping/index.js';

/** The stored version of a workspace's miner (0 before its first ingest). */
export interface MinerVersion {
  readonly version: number;
  readonly nextClusterId: number;
}

/** template_clusters and template_miner_state of the current tenant, and the workspace's grouping lock. */
export interface TemplateMinerStore {
  /**
   * Takes the workspace's grouping lock until the transaction ends: ingest, merge, split,
   * link and unlink of one workspace run one at a time across every replica, so the miner's
   * clusters, the routes and the patterns change in one order.
   */
  lockGrouping(client: TenantClient): Promise<void>;
  version(client: TenantClient): Promise<MinerVersion>;
  clusters(client: TenantClient): Promise<ClusterSnapshot[]>;
  /** Writes the clusters a batch changed, drops the ones it removed and bumps the version; returns the new version. */
  save(client: TenantClient, options: { changed: readonly ClusterSnapshot[]; removed: readonly number[]; nextClusterId: number }): Promise<number>;
}

export class PgTemplateMinerStore implements TemplateMinerStore {
  async lockGrouping(client: TenantClient): Promise<void> {
    await client.query(`select pg_advisory_xact_lock(hashtextextended('causeloop.insights.grouping:' || app_current_tenant()::text, 0))`);
  }

  async version(client: TenantClient): Promise<MinerVersion> {
    const result = await client.query<{ version: string; next_cluster_id: number }>(`select version, next_cluster_id from template_miner_state`);
    const row = result.rows[0];
    return row === undefined ? { version: 0, nextClusterId: 1 } : { version: Number(row.version), nextClusterId: row.next_cluster_id };
  }

  async clusters(client: TenantClient): Promise<ClusterSnapshot[]> {
    const result = await client.query<{ id: number; tokens: string[]; size: string; last_seen: string }>(
      `select id, tokens, size, last_seen from template_clusters order by id`,
    );
    return result.rows.map((row) => ({ id: row.id, template: row.tokens, size: Number(row.size), lastSeen: Number(row.last_seen) }));
  }

  async save(client: TenantClient, options: { changed: readonly ClusterSnapshot[]; removed: readonly number[]; nextClusterId: number }): Promise<number> {
    const changed = options.changed.map((cluster) => ({ id: cluster.id, tokens: cluster.template, size: cluster.size, last_seen: cluster.lastSeen }));
    const result = await client.query<{ version: string }>(
      `with saved as (
         insert into template_clusters (workspace_id, id, tokens, size, last_seen)
         select app_current_tenant(), c.id,
                array(select t from jsonb_array_elements_text(c.tokens) with ordinality as e(t, n) order by n),
                c.size, c.last_seen
           from jsonb_to_recordset($1::jsonb) as c(id int, tokens jsonb, size bigint, last_seen bigint)
         on conflict (workspace_id, id) do update set tokens = excluded.tokens, size = excluded.size, last_seen = excluded.last_seen
       ),
       dropped as (
         delete from template_clusters where id = any($2::int[])
       )
       insert into template_miner_state (workspace_id, version, next_cluster_id) values (app_current_tenant(), 1, $3)
       on conflict (workspace_id) do update set version = template_miner_state.version + 1, next_cluster_id = excluded.next_cluster_id
       returning version`,
      [JSON.stringify(changed), options.removed, options.nextClusterId],
    );
    return Number(result.rows[0]!.version);
  }
}
