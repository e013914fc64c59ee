import type { TenantClient } from '@causeloop/platform/db';
import { defaultRecurrenceParams } from '../predictions/index.js';
import { keysetAfter, orderBy, queryParameters, type KeysetColumn } from './keyset.js';

export type PatternStatus = 'emerging' | 'active' | 'mitigating' | 'resolved' | 'merged';

/** A pattern as stored, with the fingerprints that route new issues to it. */
export interface PatternRow {
  readonly id: string;
  readonly template: string;
  readonly service: string;
  readonly component: string;
  readonly status: PatternStatus;
  readonly merged_into: string | null;
  readonly issue_count: number;
  readonly severity: number;
  readonly first_seen: Date;
  readonly last_seen: Date;
  readonly recurrence: string;
  readonly risk_score: number;
  readonly fingerprints: readonly string[];
  readonly created_at: Date;
  readonly updated_at: Date;
  /** The recurrence model's state (0021): null until the first issue is observed, an empty state at first_seen. */
  readonly model_at: Date | null;
  readonly model_count: number;
  readonly model_exposure_days: number;
  readonly model_last_counted_at: Date | null;
}

export type ListedPattern = PatternRow & { readonly position: string };

/** A pattern a batch opens; its figures come from the batch's delta. */
export interface NewPattern {
  readonly id: string;
  readonly template: string;
  readonly service: string;
  readonly component: string;
  /** The first issue's time: the delta's least/greatest take it from there. */
  readonly first_seen: string;
}

/** What one ingest batch did to a pattern. */
export interface PatternDelta {
  readonly id: string;
  /** Issues gained (created here, or moved here by a repeat's new fingerprint) less those moved away. */
  readonly added: number;
  /** Issues created here: a mitigating or resolved pattern that gets one reopens. */
  readonly created: number;
  readonly first_seen: string | null;
  readonly last_seen: string | null;
  readonly severity: number | null;
  /** Times (ISO) of the issues created here: the recurrence state observes them. */
  readonly events: readonly string[];
  /**
   * The batch moved an issue into or out of the pattern, or changed an issue's time (a repeat
   * of its record): the state is rebuilt from the pattern's issues, as an event cannot be
   * taken out of a decayed count.
   */
  readonly rebuild: boolean;
  /** A newer template for the pattern, shown instead of its template when that is one of `replaced`. */
  readonly template: string | null;
  /** Templates the miner replaced with `template` (generalised, or folded into it). */
  readonly replaced: readonly string[];
}

/** A pattern's status, before and after a change made on its own (not by a person). */
export interface PatternTransition {
  readonly id: string;
  readonly from: PatternStatus;
  readonly to: PatternStatus;
}

export interface PatternFilter {
  /** One status; undefined lists every status but merged. */
  readonly status?: PatternStatus | undefined;
  readonly service?: string | undefined;
  readonly recurrence?: string | undefined;
}

export type PatternSortColumn = 'risk_score' | 'last_seen' | 'issue_count';

export interface DailyCountRow {
  readonly date: string;
  readonly count: number;
}

/** patterns of the current tenant. */
export interface PatternStore {
  /** Opens patterns (status emerging, no issues yet). */
  insertMany(client: TenantClient, patterns: readonly NewPattern[]): Promise<void>;
  get(client: TenantClient, options: { id: string }): Promise<PatternRow | undefined>;
  /** The patterns, locked for the rest of the transaction, in id order. */
  getManyForUpdate(client: TenantClient, options: { ids: readonly string[] }): Promise<PatternRow[]>;
  list(client: TenantClient, options: { filter: PatternFilter; sort: PatternSortColumn; after: readonly unknown[] | undefined; limit: number }): Promise<ListedPattern[]>;
  /**
   * Applies an ingest batch's deltas in one statement: counts, first and last seen, the most
   * severe severity, and the status rules (emerging → active at 3 issues over 2 UTC days; a
   * new issue reopens mitigating and resolved), then recurrence and risk, and the recurrence
   * model's state (the batch's events observed in O(1) each, or rebuilt). Returns the
   * patterns whose status changed, for the loop (loop/pattern-transitions.ts).
   */
  applyIngest(client: TenantClient, deltas: readonly PatternDelta[]): Promise<PatternTransition[]>;
  /** Recounts the patterns from their issues (after a merge, split, link or unlink), with the same status rules, and rebuilds their recurrence state. */
  recount(client: TenantClient, options: { ids: readonly string[] }): Promise<void>;
  /** Closes the patterns into `into`; patterns merged into them earlier now name `into` too. */
  markMerged(client: TenantClient, options: { ids: readonly string[]; into: string }): Promise<void>;
  setStatus(client: TenantClient, options: { id: string; status: PatternStatus }): Promise<void>;
  /** Issues per UTC day over the last `days` days, oldest first, today included. */
  daily(client: TenantClient, options: { id: string; days: number }): Promise<DailyCountRow[]>;
}

const patternColumns = `p.id, p.template, p.service, p.component, p.status, p.merged_into, p.issue_count, p.severity,
  p.first_seen, p.last_seen, p.recurrence, p.risk_score, p.created_at, p.updated_at,
  p.model_at, p.model_count, p.model_exposure_days, p.model_last_counted_at,
  array(select r.fingerprint from pattern_routes r where r.pattern_id = p.id order by r.fingerprint) as fingerprints`;

/** The pattern's issues of the last 14 days, counted up to 28 (enough for every rule that reads it). */
const recentIssues = (pattern: string) =>
  `(select count(*) from (select 1 from issues i where i.pattern_id = ${pattern}
                            and i.occurred_at > now() - interval '14 days' limit 28) recent)::int`;

/** emerging → active once it has 3 issues on 2 different UTC days (first and last seen fall on different days). */
const becameActive = (count: string, first: string, last: string) =>
  `(${count} >= 3 and (${first} at time zone 'UTC')::date <> (${last} at time zone 'UTC')::date)`;

/**
 * Sets the recurrence state to what observing `events` (timestamptz[]) does to it, starting
 * from the stored state, or from an empty state at `since` when `fresh` is true (0021's
 * insights_recurrence_observe, the SQL twin of recurrence-model.ts). The model's parameters
 * are the statement's $2 and $3 (recurrenceParams).
 */
const setRecurrenceState = (options: { fresh: string; since: string; events: string }) =>
  `(model_at, model_count, model_exposure_days, model_last_counted_at) = (
     select s.at, s.count, s.exposure_days, s.last_counted_at
       from insights_recurrence_observe(case when ${options.fresh} then null else p.model_at end,
                                        case when ${options.fresh} then 0 else p.model_count end,
                                        case when ${options.fresh} then null else p.model_last_counted_at end,
                                        ${options.since}, ${options.events}, $2, $3) s)`;

const recurrenceParams = [defaultRecurrenceParams.halfLifeDays, defaultRecurrenceParams.episodeMinutes];

/** The pattern's issue times: what a rebuilt state observes. */
const issueTimes = (pattern: string) => `array(select i.occurred_at from issues i where i.pattern_id = ${pattern})`;

function sortColumns(sort: PatternSortColumn): KeysetColumn[] {
  return [
    { expression: `p.${sort}`, type: sort === 'last_seen' ? 'timestamptz' : sort === 'risk_score' ? 'smallint' : 'integer', direction: 'desc' },
    { expression: 'p.id', type: 'uuid', direction: 'desc' },
  ];
}

export class PgPatternStore implements PatternStore {
  async insertMany(client: TenantClient, patterns: readonly NewPattern[]): Promise<void> {
    if (patterns.length === 0) return;
    await client.query(
      `insert into patterns (workspace_id, id, template, service, component, severity, first_seen, last_seen)
       select app_current_tenant(), p.id, p.template, p.service, p.component, 4, p.first_seen, p.first_seen
         from jsonb_to_recordset($1::jsonb) as p(id uuid, template text, service text, component text, first_seen timestamptz)`,
      [JSON.stringify(patterns)],
    );
  }

  async get(client: TenantClient, options: { id: string }): Promise<PatternRow | undefined> {
    const result = await client.query<PatternRow>(`select ${patternColumns} from patterns p where p.id = $1`, [options.id]);
    return result.rows[0];
  }

  async getManyForUpdate(client: TenantClient, options: { ids: readonly string[] }): Promise<PatternRow[]> {
    const result = await client.query<PatternRow>(
      `select ${patternColumns} from patterns p where p.id = any($1::uuid[]) order by p.id for update`,
      [options.ids],
    );
    return result.rows;
  }

  async list(
    client: TenantClient,
    options: { filter: PatternFilter; sort: PatternSortColumn; after: readonly unknown[] | undefined; limit: number },
  ): Promise<ListedPattern[]> {
    const { filter } = options;
    const { values, param } = queryParameters();
    const where = [filter.status === undefined ? `p.status <> 'merged'` : `p.status = ${param(filter.status)}`];
    if (filter.service !== undefined) where.push(`p.service = ${param(filter.service)}`);
    if (filter.recurrence !== undefined) where.push(`p.recurrence = ${param(filter.recurrence)}`);
    const columns = sortColumns(options.sort);
    if (options.after !== undefined) where.push(keysetAfter(columns, options.after, param));
    const result = await client.query<ListedPattern>(
      `select ${patternColumns}, jsonb_build_array(${columns.map((column) => column.expression).join(', ')})::text as position
         from patterns p
        where ${where.join(' and ')}
        order by ${orderBy(columns)}
        limit ${param(options.limit)}`,
      values,
    );
    return result.rows;
  }

  async applyIngest(client: TenantClient, deltas: readonly PatternDelta[]): Promise<PatternTransition[]> {
    if (deltas.length === 0) return [];
    const first = `least(p.first_seen, d.first_seen)`;
    const last = `greatest(p.last_seen, d.last_seen)`;
    const result = await client.query<PatternTransition>(
      `update patterns p set
         issue_count = greatest(0, p.issue_count + d.added),
         first_seen = ${first},
         last_seen = ${last},
         severity = least(p.severity, d.severity),
         template = case when p.template = any(array(select jsonb_array_elements_text(d.replaced)))
                         then d.template else p.template end,
         status = case
           when p.status in ('mitigating', 'resolved') and d.created > 0 then 'active'
           when p.status = 'emerging' and ${becameActive('p.issue_count + d.added', first, last)} then 'active'
           else p.status end,
         recurrence = insights_recurrence(${first}, d.recent, now()),
         risk_score = insights_risk_score(d.recent, ${last}, least(p.severity, d.severity), now()),
         ${setRecurrenceState({
           fresh: 'd.rebuild',
           since: first,
           events: `case when d.rebuild then ${issueTimes('p.id')}
                         else array(select jsonb_array_elements_text(d.events)::timestamptz) end`,
         })},
         updated_at = now()
       from (select r.*, ${recentIssues('r.id')} as recent
               from jsonb_to_recordset($1::jsonb) as r(id uuid, added int, created int, first_seen timestamptz,
                                                      last_seen timestamptz, severity smallint, template text,
                                                      replaced jsonb, events jsonb, rebuild boolean)) d
      where p.id = d.id
      returning p.id, old.status as "from", new.status as "to"`,
      [JSON.stringify(deltas), ...recurrenceParams],
    );
    return result.rows.filter((row) => row.from !== row.to);
  }

  async recount(client: TenantClient, options: { ids: readonly string[] }): Promise<void> {
    if (options.ids.length === 0) return;
    const first = `coalesce(s.first_seen, p.first_seen)`;
    const last = `coalesce(s.last_seen, p.last_seen)`;
    await client.query(
      `update patterns p set
         issue_count = s.issue_count,
         first_seen = ${first},
         last_seen = ${last},
         severity = coalesce(s.severity, p.severity),
         status = case
           when p.status = 'emerging' and ${becameActive('s.issue_count', first, last)} then 'active'
           else p.status end,
         recurrence = insights_recurrence(${first}, s.recent, now()),
         risk_score = insights_risk_score(s.recent, ${last}, coalesce(s.severity, p.severity), now()),
         ${setRecurrenceState({ fresh: 'true', since: first, events: issueTimes('p.id') })},
         updated_at = now()
       from (select x.id, count(i.id)::int as issue_count, min(i.occurred_at) as first_seen,
                    max(i.occurred_at) as last_seen, min(i.severity) as severity, ${recentIssues('x.id')} as recent
               from unnest($1::uuid[]) as x(id) left join issues i on i.pattern_id = x.id
              group by x.id) s
      where p.id = s.id and p.status <> 'merged'`,
      [options.ids, ...recurrenceParams],
    );
  }

  async markMerged(client: TenantClient, options: { ids: readonly string[]; into: string }): Promise<void> {
    await client.query(
      `update patterns set status = 'merged', merged_into = $2, issue_count = 0, risk_score = 0, updated_at = now()
        where id = any($1::uuid[]) or merged_into = any($1::uuid[])`,
      [options.ids, options.into],
    );
  }

  async setStatus(client: TenantClient, options: { id: string; status: PatternStatus }): Promise<void> {
    await client.query(`update patterns set status = $2, updated_at = now() where id = $1`, [options.id, options.status]);
  }

  async daily(client: TenantClient, options: { id: string; days: number }): Promise<DailyCountRow[]> {
    const result = await client.query<DailyCountRow>(
      `with days as (
         select generate_series((now() at time zone 'UTC')::date - ($2::int - 1), (now() at time zone 'UTC')::date, interval '1 day')::date as day
       )
       select to_char(d.day, 'YYYY-MM-DD') as date, count(i.id)::int as count
         from days d
         left join issues i on i.pattern_id = $1
                           and i.occurred_at >= (d.day::timestamp at time zone 'UTC')
                           and i.occurred_at < ((d.day + 1)::timestamp at time zone 'UTC')
        group by d.day
        order by d.day`,
      [options.id, options.days],
    );
    return result.rows;
  }
}
