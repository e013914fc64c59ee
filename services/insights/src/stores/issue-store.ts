import type { JsonObject } from '@bufbuild/protobuf';
import type { TenantClient } from '@causeloop/platform/db';
import { keysetAfter, orderBy, queryParameters, type KeysetColumn } from './keyset.js';

/** An issue as stored. */
export interface IssueRow {
  readonly id: string;
  readonly source: string;
  readonly external_id: string;
  readonly title: string;
  readonly body: string;
  readonly severity: number;
  readonly service: string;
  readonly component: string;
  readonly url: string;
  readonly attributes: JsonObject;
  readonly status: string;
  readonly assignee: string;
  readonly team: string;
  readonly pattern_id: string | null;
  readonly fingerprint: string;
  readonly template: string;
  readonly slots: readonly { kind: string; value: string }[];
  readonly grouping_rule: string;
  readonly risk_score: number;
  readonly occurrences: number;
  readonly occurred_at: Date;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/** One row of an ingest batch, grouped and routed. */
export interface IssueUpsert {
  readonly id: string;
  readonly source: string;
  readonly external_id: string;
  readonly title: string;
  readonly body: string;
  readonly severity: number;
  readonly service: string;
  readonly component: string;
  readonly url: string;
  readonly attributes: JsonObject;
  readonly occurred_at: string;
  readonly fingerprint: string;
  readonly template: string;
  readonly slots: readonly { kind: string; value: string }[];
  readonly grouping_rule: string;
  readonly pattern_id: string;
}

/** What an upsert did to one row. */
export interface UpsertedIssue {
  readonly id: string;
  readonly source: string;
  readonly external_id: string;
  readonly created: boolean;
  /** Where the issue is now: a hand-made link (or unlink) survives a repeat of its record. */
  readonly pattern_id: string | null;
  readonly grouping_rule: string;
  /** Where it was before, for an updated issue. */
  readonly previous_pattern_id: string | null;
  /** When it occurred before, for an updated issue: a repeat of its record may move it in time. */
  readonly previous_occurred_at: Date | null;
}

export interface IssueFilter {
  readonly status?: string | undefined;
  readonly severity?: number | undefined;
  readonly source?: string | undefined;
  readonly service?: string | undefined;
  readonly patternId?: string | undefined;
  /** RFC 3339, inclusive. */
  readonly since?: string | undefined;
  /** RFC 3339, exclusive. */
  readonly until?: string | undefined;
  /** PostgreSQL websearch syntax over title and body. */
  readonly q?: string | undefined;
}

export type IssueSortColumn = 'occurred_at' | 'risk_score' | 'severity' | 'updated_at';

export interface IssueSort {
  readonly column: IssueSortColumn;
  readonly descending: boolean;
}

/** A listed row and its keyset position (JSON: the sort value and the id). */
export type ListedIssue = IssueRow & { readonly position: string };

export interface SimilarIssueRow extends IssueRow {
  readonly similarity: number;
  readonly pattern_status: string | null;
}

export interface SimilarIssuesOptions {
  readonly id: string;
  readonly template: string;
  readonly threshold: number;
  readonly limit: number;
  /** Leaves this pattern's issues out (an analysis of the pattern wants context from elsewhere). */
  readonly excludePatternId?: string | undefined;
}

export interface IssuePatch {
  readonly status?: string | undefined;
  readonly assignee?: string | undefined;
  readonly team?: string | undefined;
}

/** issues of the current tenant. */
export interface IssueStore {
  /**
   * Writes a batch in one statement: new (source, external_id) pairs are inserted, repeats
   * update their issue (occurrences + 1, the record's fields, its grouping) and keep its
   * status, assignee and team, and a pattern it was linked to or unlinked from by hand. The
   * risk score comes from its pattern's recent issues and last sighting, counting the batch.
   * Pairs must be unique within the batch.
   */
  upsertBatch(client: TenantClient, rows: readonly IssueUpsert[]): Promise<UpsertedIssue[]>;
  get(client: TenantClient, options: { id: string }): Promise<IssueRow | undefined>;
  /** The issue, locked for the rest of the transaction. */
  getForUpdate(client: TenantClient, options: { id: string }): Promise<IssueRow | undefined>;
  /** `limit` rows after `after` (a position from an earlier page), filtered and sorted. */
  list(client: TenantClient, options: { filter: IssueFilter; sort: IssueSort; after: readonly unknown[] | undefined; limit: number }): Promise<ListedIssue[]>;
  update(client: TenantClient, options: { id: string; patch: IssuePatch }): Promise<IssueRow>;
  /** Moves one issue into a pattern (or out of every pattern: null) under `rule`, refreshing its risk score. */
  setPattern(client: TenantClient, options: { id: string; patternId: string | null; rule: 'manual' | 'unlinked' }): Promise<IssueRow>;
  /** Moves every issue of the patterns `from` into `to` (merge); hand-made links stay hand-made. Returns how many. */
  moveAll(client: TenantClient, options: { from: readonly string[]; to: string }): Promise<number>;
  /** Moves the issues of `from` with `fingerprint` into `to` (split), except hand-linked ones. Returns how many. */
  moveFingerprint(client: TenantClient, options: { from: string; fingerprint: string; to: string }): Promise<number>;
  /** Refreshes the risk score of every issue in the patterns (after their pattern changed by hand). */
  rescore(client: TenantClient, options: { patternIds: readonly string[] }): Promise<void>;
  /**
   * Issues of the patterns whose templates are trigram-similar to `template` (at least
   * `threshold`), most similar first and newest first within a pattern, `id` excluded.
   */
  similar(client: TenantClient, options: SimilarIssuesOptions): Promise<SimilarIssueRow[]>;
}

const issueColumns = `i.id, i.source, i.external_id, i.title, i.body, i.severity, i.service, i.component, i.url, i.attributes,
  i.status, i.assignee, i.team, i.pattern_id, i.fingerprint, i.template, i.slots, i.grouping_rule, i.risk_score,
  i.occurrences, i.occurred_at, i.created_at, i.updated_at`;

/** An issue's risk from its pattern's recent issues and last sighting and its own severity (0015's function). */
const patternRisk = (issue: string) => `(select insights_risk_score(
    (select count(*) from (select 1 from issues r where r.pattern_id = p.id
                            and r.occurred_at > now() - interval '14 days' limit 28) recent)::int,
    p.last_seen, ${issue}.severity, now())
  from patterns p where p.id = ${issue}.pattern_id)`;

/** Each sort's keyset: a column and the id, so the order is total. `severity` lists p1 first, newest first within a severity. */
function sortColumns(sort: IssueSort): KeysetColumn[] {
  const direction = sort.descending ? 'desc' : 'asc';
  const opposite = sort.descending ? 'asc' : 'desc';
  switch (sort.column) {
    case 'occurred_at':
    case 'updated_at':
      return [
        { expression: `i.${sort.column}`, type: 'timestamptz', direction },
        { expression: 'i.id', type: 'uuid', direction },
      ];
    case 'risk_score':
    case 'severity':
      return [
        { expression: `i.${sort.column}`, type: 'smallint', direction },
        { expression: 'i.id', type: 'uuid', direction: sort.column === 'severity' ? opposite : direction },
      ];
  }
}

export class PgIssueStore implements IssueStore {
  async upsertBatch(client: TenantClient, rows: readonly IssueUpsert[]): Promise<UpsertedIssue[]> {
    const result = await client.query<UpsertedIssue>(
      // Materialized CTEs: each is computed once (the per-pattern count once per pattern,
      // not once per row), and every CTE reads the table as it was before the insert.
      `with input as materialized (
         select * from jsonb_to_recordset($1::jsonb) as r(
           id uuid, source text, external_id text, title text, body text, severity smallint, service text,
           component text, url text, attributes jsonb, occurred_at timestamptz, fingerprint text, template text,
           slots jsonb, grouping_rule text, pattern_id uuid)
       ),
       -- One lookup per row on the (workspace_id, source, external_id) key; a join let the
       -- planner (which guesses 100 input rows) hash every issue of the workspace instead.
       previous as materialized (
         select i.id, i.pattern_id, i.source, i.external_id, i.occurred_at
           from input r
           cross join lateral (select i.id, i.pattern_id, i.source, i.external_id, i.occurred_at from issues i
                                where i.source = r.source and i.external_id = r.external_id limit 1) i
       ),
       fresh as materialized (
         select r.pattern_id,
                count(*) filter (where r.occurred_at > now() - interval '14 days')::int as recent,
                max(r.occurred_at) as last_seen
           from input r left join previous e on e.source = r.source and e.external_id = r.external_id
          where e.id is null
          group by r.pattern_id
       ),
       stats as materialized (
         select p.id as pattern_id,
                least(28, coalesce(f.recent, 0) + (
                  select count(*) from (select 1 from issues i where i.pattern_id = p.id
                                          and i.occurred_at > now() - interval '14 days' limit 28) s))::int as recent,
                greatest(p.last_seen, f.last_seen) as last_seen
           from patterns p left join fresh f on f.pattern_id = p.id
          where p.id in (select distinct pattern_id from input)
       ),
       upserted as (
         insert into issues (workspace_id, id, source, external_id, title, body, severity, service, component, url,
                             attributes, occurred_at, fingerprint, template, slots, grouping_rule, pattern_id, risk_score)
         select app_current_tenant(), r.id, r.source, r.external_id, r.title, r.body, r.severity, r.service, r.component,
                r.url, r.attributes, r.occurred_at, r.fingerprint, r.template, r.slots, r.grouping_rule, r.pattern_id,
                insights_risk_score(s.recent, greatest(s.last_seen, r.occurred_at), r.severity, now())
           from input r join stats s on s.pattern_id = r.pattern_id
         on conflict (workspace_id, source, external_id) do update set
           title = excluded.title, body = excluded.body, severity = excluded.severity, service = excluded.service,
           component = excluded.component, url = excluded.url, attributes = excluded.attributes,
           occurred_at = excluded.occurred_at, fingerprint = excluded.fingerprint, template = excluded.template,
           slots = excluded.slots, risk_score = excluded.risk_score, occurrences = issues.occurrences + 1,
           pattern_id = case when issues.grouping_rule in ('manual', 'unlinked') then issues.pattern_id else excluded.pattern_id end,
           grouping_rule = case when issues.grouping_rule in ('manual', 'unlinked') then issues.grouping_rule else excluded.grouping_rule end,
           updated_at = now()
         returning issues.id, issues.source, issues.external_id, (issues.xmax = 0) as created, issues.pattern_id, issues.grouping_rule
       )
       select u.id, u.source, u.external_id, u.created, u.pattern_id, u.grouping_rule, p.pattern_id as previous_pattern_id,
              p.occurred_at as previous_occurred_at
         from upserted u left join previous p on p.id = u.id`,
      [JSON.stringify(rows)],
    );
    return result.rows;
  }

  async get(client: TenantClient, options: { id: string }): Promise<IssueRow | undefined> {
    const result = await client.query<IssueRow>(`select ${issueColumns} from issues i where i.id = $1`, [options.id]);
    return result.rows[0];
  }

  async getForUpdate(client: TenantClient, options: { id: string }): Promise<IssueRow | undefined> {
    const result = await client.query<IssueRow>(`select ${issueColumns} from issues i where i.id = $1 for update`, [options.id]);
    return result.rows[0];
  }

  async list(
    client: TenantClient,
    options: { filter: IssueFilter; sort: IssueSort; after: readonly unknown[] | undefined; limit: number },
  ): Promise<ListedIssue[]> {
    const { filter } = options;
    const { values, param } = queryParameters();
    const where: string[] = [];
    if (filter.status !== undefined) where.push(`i.status = ${param(filter.status)}`);
    if (filter.severity !== undefined) where.push(`i.severity = ${param(filter.severity)}`);
    if (filter.source !== undefined) where.push(`i.source = ${param(filter.source)}`);
    if (filter.service !== undefined) where.push(`i.service = ${param(filter.service)}`);
    if (filter.patternId !== undefined) where.push(`i.pattern_id = ${param(filter.patternId)}`);
    if (filter.since !== undefined) where.push(`i.occurred_at >= ${param(filter.since)}::timestamptz`);
    if (filter.until !== undefined) where.push(`i.occurred_at < ${param(filter.until)}::timestamptz`);
    if (filter.q !== undefined) where.push(`i.search @@ websearch_to_tsquery('simple', ${param(filter.q)})`);
    const columns = sortColumns(options.sort);
    if (options.after !== undefined) where.push(keysetAfter(columns, options.after, param));
    const result = await client.query<ListedIssue>(
      `select ${issueColumns}, jsonb_build_array(${columns.map((column) => column.expression).join(', ')})::text as position
         from issues i
        ${where.length === 0 ? '' : `where ${where.join(' and ')}`}
        order by ${orderBy(columns)}
        limit ${param(options.limit)}`,
      values,
    );
    return result.rows;
  }

  async update(client: TenantClient, options: { id: string; patch: IssuePatch }): Promise<IssueRow> {
    const { patch } = options;
    const result = await client.query<IssueRow>(
      `update issues i set status = coalesce($2, i.status), assignee = coalesce($3, i.assignee), team = coalesce($4, i.team),
              updated_at = now()
        where i.id = $1
        returning ${issueColumns}`,
      [options.id, patch.status ?? null, patch.assignee ?? null, patch.team ?? null],
    );
    return result.rows[0]!;
  }

  async setPattern(client: TenantClient, options: { id: string; patternId: string | null; rule: 'manual' | 'unlinked' }): Promise<IssueRow> {
    const result = await client.query<IssueRow>(
      `update issues i set pattern_id = $2, grouping_rule = $3, updated_at = now(),
              risk_score = coalesce(${patternRisk('i')}, insights_risk_score(0, i.occurred_at, i.severity, now()))
        where i.id = $1
        returning ${issueColumns}`,
      [options.id, options.patternId, options.rule],
    );
    return result.rows[0]!;
  }

  async moveAll(client: TenantClient, options: { from: readonly string[]; to: string }): Promise<number> {
    const result = await client.query(
      `update issues set pattern_id = $2, updated_at = now(),
              grouping_rule = case when grouping_rule = 'manual' then 'manual' else 'merged' end
        where pattern_id = any($1::uuid[])`,
      [options.from, options.to],
    );
    return result.rowCount ?? 0;
  }

  async moveFingerprint(client: TenantClient, options: { from: string; fingerprint: string; to: string }): Promise<number> {
    const result = await client.query(
      `update issues set pattern_id = $3, grouping_rule = 'split', updated_at = now()
        where pattern_id = $1 and fingerprint = $2 and grouping_rule <> 'manual'`,
      [options.from, options.fingerprint, options.to],
    );
    return result.rowCount ?? 0;
  }

  async rescore(client: TenantClient, options: { patternIds: readonly string[] }): Promise<void> {
    await client.query(
      `update issues i set risk_score = s.risk
         from (select i2.id, ${patternRisk('i2')} as risk from issues i2 where i2.pattern_id = any($1::uuid[])) s
        where i.id = s.id and i.risk_score is distinct from s.risk`,
      [options.patternIds],
    );
  }

  async similar(client: TenantClient, options: SimilarIssuesOptions): Promise<SimilarIssueRow[]> {
    // `%` is what the trigram GIN index on pattern_routes serves; it compares against this setting.
    await client.query(`select set_config('pg_trgm.similarity_threshold', $1, true)`, [String(options.threshold)]);
    const result = await client.query<SimilarIssueRow>(
      // The most similar templates first (one row per fingerprint), then the newest issues
      // of each pattern they route to: a pattern reached through several templates counts
      // at its best match.
      `with matched as (
         select r.pattern_id, max(similarity(r.template, $1)) as similarity
           from pattern_routes r
          where r.template % $1 and r.pattern_id is distinct from $4::uuid
          group by r.pattern_id
          order by similarity desc
          limit $3
       )
       select ${issueColumns}, m.similarity, p.status as pattern_status
         from matched m
         join patterns p on p.id = m.pattern_id
         cross join lateral (select * from issues i where i.pattern_id = m.pattern_id and i.id <> $2
                              order by i.occurred_at desc limit $3) i
        order by m.similarity desc, i.occurred_at desc, i.id desc
        limit $3`,
      [options.template, options.id, options.limit, options.excludePatternId ?? null],
    );
    return result.rows;
  }
}
