import type { TenantClient } from '@causeloop/platform/db';

export type RouteRule = 'template' | 'merged' | 'split';

/** Where new issues with a fingerprint go, and what the fingerprint was made of. */
export interface RouteRow {
  readonly fingerprint: string;
  readonly pattern_id: string;
  readonly rule: RouteRule;
  readonly template: string;
  readonly service: string;
  readonly component: string;
}

/** pattern_routes of the current tenant. */
export interface PatternRouteStore {
  /** The routes of these fingerprints, and every route made from one of these templates. */
  find(client: TenantClient, options: { fingerprints: readonly string[]; templates: readonly string[] }): Promise<RouteRow[]>;
  get(client: TenantClient, options: { fingerprint: string }): Promise<RouteRow | undefined>;
  /** Adds routes; a fingerprint that has one keeps it. */
  insertMany(client: TenantClient, routes: readonly RouteRow[]): Promise<void>;
  /** Points every route of the patterns `from` at `to` (merge). */
  repointPatterns(client: TenantClient, options: { from: readonly string[]; to: string }): Promise<number>;
  /** Points one fingerprint's route at `to` (split). */
  repointFingerprint(client: TenantClient, options: { fingerprint: string; to: string }): Promise<void>;
}

export class PgPatternRouteStore implements PatternRouteStore {
  async find(client: TenantClient, options: { fingerprints: readonly string[]; templates: readonly string[] }): Promise<RouteRow[]> {
    const result = await client.query<RouteRow>(
      `select fingerprint, pattern_id, rule, template, service, component from pattern_routes
        where fingerprint = any($1::text[])
           or md5(template) = any(array(select md5(t) from unnest($2::text[]) as t))`,
      [options.fingerprints, options.templates],
    );
    return result.rows;
  }

  async get(client: TenantClient, options: { fingerprint: string }): Promise<RouteRow | undefined> {
    const result = await client.query<RouteRow>(
      `select fingerprint, pattern_id, rule, template, service, component from pattern_routes where fingerprint = $1`,
      [options.fingerprint],
    );
    return result.rows[0];
  }

  async insertMany(client: TenantClient, routes: readonly RouteRow[]): Promise<void> {
    if (routes.length === 0) return;
    await client.query(
      `insert into pattern_routes (workspace_id, fingerprint, pattern_id, rule, template, service, component)
       select app_current_tenant(), r.fingerprint, r.pattern_id, r.rule, r.template, r.service, r.component
         from jsonb_to_recordset($1::jsonb) as r(fingerprint text, pattern_id uuid, rule text, template text, service text, component text)
       on conflict (workspace_id, fingerprint) do nothing`,
      [JSON.stringify(routes)],
    );
  }

  async repointPatterns(client: TenantClient, options: { from: readonly string[]; to: string }): Promise<number> {
    const result = await client.query(
      `update pattern_routes set pattern_id = $2, rule = 'merged', updated_at = now() where pattern_id = any($1::uuid[])`,
      [options.from, options.to],
    );
    return result.rowCount ?? 0;
  }

  async repointFingerprint(client: TenantClient, options: { fingerprint: string; to: string }): Promise<void> {
    await client.query(`update pattern_routes set pattern_id = $2, rule = 'split', updated_at = now() where fingerprint = $1`, [
      options.fingerprint,
      options.to,
    ]);
  }
}
