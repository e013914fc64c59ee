import type { TenantClient } from '@causeloop/platform/db';
import { keysetAfter, orderBy, queryParameters, type KeysetColumn } from './keyset.js';

export type RecommendationStatus = 'pending' | 'in_progress' | 'implemented' | 'dismissed';
export type RecommendationOutcome = 'held' | 'not_held';

export interface RecommendationStep {
  readonly text: string;
  readonly done: boolean;
}

export interface RecommendationRow {
  readonly id: string;
  readonly pattern_id: string;
  readonly title: string;
  readonly type: string;
  readonly impact: string;
  readonly effort: string;
  readonly steps: readonly RecommendationStep[];
  readonly expected_loops_prevented: number;
  readonly rank_score: number;
  readonly status: RecommendationStatus;
  readonly outcome: RecommendationOutcome | null;
  readonly provider: string;
  readonly model: string;
  readonly implemented_at: Date | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export type ListedRecommendation = RecommendationRow & { readonly position: string };

export type NewRecommendation = Omit<RecommendationRow, 'status' | 'outcome' | 'implemented_at' | 'created_at' | 'updated_at'>;

export interface RecommendationFilter {
  readonly status?: RecommendationStatus | undefined;
  readonly patternId?: string | undefined;
  readonly type?: string | undefined;
  readonly impact?: string | undefined;
  readonly effort?: string | undefined;
}

export type RecommendationSortColumn = 'rank_score' | 'created_at';

export interface RecommendationPatch {
  readonly status?: RecommendationStatus | undefined;
  readonly steps?: readonly RecommendationStep[] | undefined;
}

/** recommendations of the current tenant. */
export interface RecommendationStore {
  insertMany(client: TenantClient, rows: readonly NewRecommendation[]): Promise<RecommendationRow[]>;
  get(client: TenantClient, options: { id: string }): Promise<RecommendationRow | undefined>;
  getForUpdate(client: TenantClient, options: { id: string }): Promise<RecommendationRow | undefined>;
  /** `limit` rows after `after`, filtered, best ranked (or newest) first. */
  list(client: TenantClient, options: { filter: RecommendationFilter; sort: RecommendationSortColumn; after: readonly unknown[] | undefined; limit: number }): Promise<ListedRecommendation[]>;
  update(client: TenantClient, options: { id: string; patch: RecommendationPatch }): Promise<RecommendationRow>;
  setOutcome(client: TenantClient, options: { id: string; outcome: RecommendationOutcome }): Promise<void>;
  /** How many the pattern has: proposing again for a pattern that has some adds none. */
  countForPattern(client: TenantClient, options: { patternId: string }): Promise<number>;
}

const columns = `r.id, r.pattern_id, r.title, r.type, r.impact, r.effort, r.steps, r.expected_loops_prevented, r.rank_score,
  r.status, r.outcome, r.provider, r.model, r.implemented_at, r.created_at, r.updated_at`;

function sortColumns(sort: RecommendationSortColumn): KeysetColumn[] {
  return [
    sort === 'rank_score'
      ? { expression: 'r.rank_score', type: 'double precision', direction: 'desc' }
      : { expression: 'r.created_at', type: 'timestamptz', direction: 'desc' },
    { expression: 'r.id', type: 'uuid', direction: 'desc' },
  ];
}

export class PgRecommendationStore implements RecommendationStore {
  async insertMany(client: TenantClient, rows: readonly NewRecommendation[]): Promise<RecommendationRow[]> {
    if (rows.length === 0) return [];
    const result = await client.query<RecommendationRow>(
      `insert into recommendations (workspace_id, id, pattern_id, title, type, impact, effort, steps,
                                    expected_loops_prevented, rank_score, provider, model)
       select app_current_tenant(), n.id, n.pattern_id, n.title, n.type, n.impact, n.effort, n.steps,
              n.expected_loops_prevented, n.rank_score, n.provider, n.model
         from jsonb_to_recordset($1::jsonb) as n(id uuid, pattern_id uuid, title text, type text, impact text, effort text,
              steps jsonb, expected_loops_prevented double precision, rank_score double precision, provider text, model text)
       returning ${columns.replaceAll('r.', '')}`,
      [JSON.stringify(rows)],
    );
    return result.rows;
  }

  async get(client: TenantClient, options: { id: string }): Promise<RecommendationRow | undefined> {
    return (await client.query<RecommendationRow>(`select ${columns} from recommendations r where r.id = $1`, [options.id])).rows[0];
  }

  async getForUpdate(client: TenantClient, options: { id: string }): Promise<RecommendationRow | undefined> {
    return (await client.query<RecommendationRow>(`select ${columns} from recommendations r where r.id = $1 for update`, [options.id])).rows[0];
  }

  async list(
    client: TenantClient,
    options: { filter: RecommendationFilter; sort: RecommendationSortColumn; after: readonly unknown[] | undefined; limit: number },
  ): Promise<ListedRecommendation[]> {
    const { filter } = options;
    const { values, param } = queryParameters();
    const where: string[] = [];
    if (filter.status !== undefined) where.push(`r.status = ${param(filter.status)}`);
    if (filter.patternId !== undefined) where.push(`r.pattern_id = ${param(filter.patternId)}`);
    if (filter.type !== undefined) where.push(`r.type = ${param(filter.type)}`);
    if (filter.impact !== undefined) where.push(`r.impact = ${param(filter.impact)}`);
    if (filter.effort !== undefined) where.push(`r.effort = ${param(filter.effort)}`);
    const keyset = sortColumns(options.sort);
    if (options.after !== undefined) where.push(keysetAfter(keyset, options.after, param));
    const result = await client.query<ListedRecommendation>(
      `select ${columns}, jsonb_build_array(${keyset.map((column) => column.expression).join(', ')})::text as position
         from recommendations r
        ${where.length === 0 ? '' : `where ${where.join(' and ')}`}
        order by ${orderBy(keyset)}
        limit ${param(options.limit)}`,
      values,
    );
    return result.rows;
  }

  async update(client: TenantClient, options: { id: string; patch: RecommendationPatch }): Promise<RecommendationRow> {
    const { patch } = options;
    const result = await client.query<RecommendationRow>(
      `update recommendations r set
         status = coalesce($2, r.status),
         steps = coalesce($3::jsonb, r.steps),
         implemented_at = case when $2 = 'implemented' and r.implemented_at is null then now() else r.implemented_at end,
         updated_at = now()
       where r.id = $1
       returning ${columns}`,
      [options.id, patch.status ?? null, patch.steps === undefined ? null : JSON.stringify(patch.steps)],
    );
    return result.rows[0]!;
  }

  async setOutcome(client: TenantClient, options: { id: string; outcome: RecommendationOutcome }): Promise<void> {
    await client.query(`update recommendations set outcome = $2, updated_at = now() where id = $1`, [options.id, options.outcome]);
  }

  async countForPattern(client: TenantClient, options: { patternId: string }): Promise<number> {
    const result = await client.query<{ count: number }>(`select count(*)::int as count from recommendations where pattern_id = $1`, [options.patternId]);
    return result.rows[0]?.count ?? 0;
  }
}
