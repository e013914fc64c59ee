import type { TenantClient } from '@causeloop/platform/db';

export type LoopStatus = 'open' | 'proving' | 'held' | 'not_held';
export type LoopOpening = 'detected' | 'regressed' | 'reopened';

export interface LoopRow {
  readonly id: string;
  readonly pattern_id: string;
  readonly number: number;
  readonly status: LoopStatus;
  readonly opened_by: LoopOpening;
  readonly opened_at: Date;
  readonly recommendation_id: string | null;
  readonly proof_started_at: Date | null;
  readonly proof_ends_at: Date | null;
  readonly prediction_id: string | null;
  readonly closed_at: Date | null;
}

/** loops of the current tenant (0019): one unfinished (open or proving) loop per pattern at most. */
export interface LoopStore {
  /** The pattern's unfinished loop, locked for the rest of the transaction. */
  currentForUpdate(client: TenantClient, options: { patternId: string }): Promise<LoopRow | undefined>;
  /** Opens the pattern's next loop (number one more than its last); none when one is unfinished. */
  open(client: TenantClient, options: { id: string; patternId: string; openedBy: LoopOpening; at: Date }): Promise<LoopRow | undefined>;
  startProving(
    client: TenantClient,
    options: { id: string; recommendationId: string; startedAt: Date; endsAt: Date; predictionId: string },
  ): Promise<LoopRow>;
  close(client: TenantClient, options: { id: string; status: 'held' | 'not_held'; at: Date }): Promise<LoopRow>;
  /** Proving loops whose window ended by `at`, locked, with the issues of their pattern that occurred inside it. */
  dueForUpdate(client: TenantClient, options: { at: Date }): Promise<(LoopRow & { recurrences: number })[]>;
  listForPattern(client: TenantClient, options: { patternId: string }): Promise<LoopRow[]>;
}

const columns = `l.id, l.pattern_id, l.number, l.status, l.opened_by, l.opened_at, l.recommendation_id,
  l.proof_started_at, l.proof_ends_at, l.prediction_id, l.closed_at`;

export class PgLoopStore implements LoopStore {
  async currentForUpdate(client: TenantClient, options: { patternId: string }): Promise<LoopRow | undefined> {
    const result = await client.query<LoopRow>(
      `select ${columns} from loops l where l.pattern_id = $1 and l.status in ('open', 'proving') for update`,
      [options.patternId],
    );
    return result.rows[0];
  }

  async open(client: TenantClient, options: { id: string; patternId: string; openedBy: LoopOpening; at: Date }): Promise<LoopRow | undefined> {
    const result = await client.query<LoopRow>(
      `insert into loops as l (workspace_id, id, pattern_id, number, opened_by, opened_at)
       select app_current_tenant(), $1, $2, coalesce((select max(number) from loops where pattern_id = $2), 0) + 1, $3, $4
       on conflict (workspace_id, pattern_id) where status in ('open', 'proving') do nothing
       returning ${columns}`,
      [options.id, options.patternId, options.openedBy, options.at],
    );
    return result.rows[0];
  }

  async startProving(
    client: TenantClient,
    options: { id: string; recommendationId: string; startedAt: Date; endsAt: Date; predictionId: string },
  ): Promise<LoopRow> {
    const result = await client.query<LoopRow>(
      `update loops l set status = 'proving', recommendation_id = $2, proof_started_at = $3, proof_ends_at = $4, prediction_id = $5
        where l.id = $1 returning ${columns}`,
      [options.id, options.recommendationId, options.startedAt, options.endsAt, options.predictionId],
    );
    return result.rows[0]!;
  }

  async close(client: TenantClient, options: { id: string; status: 'held' | 'not_held'; at: Date }): Promise<LoopRow> {
    const result = await client.query<LoopRow>(
      `update loops l set status = $2, closed_at = $3 where l.id = $1 returning ${columns}`,
      [options.id, options.status, options.at],
    );
    return result.rows[0]!;
  }

  async dueForUpdate(client: TenantClient, options: { at: Date }): Promise<(LoopRow & { recurrences: number })[]> {
    const result = await client.query<LoopRow & { recurrences: number }>(
      `select ${columns},
              (select count(*)::int from issues i
                where i.pattern_id = l.pattern_id and i.occurred_at >= l.proof_started_at and i.occurred_at < l.proof_ends_at) as recurrences
         from loops l
        where l.status = 'proving' and l.proof_ends_at <= $1
        order by l.proof_ends_at, l.id
        for update of l skip locked`,
      [options.at],
    );
    return result.rows;
  }

  async listForPattern(client: TenantClient, options: { patternId: string }): Promise<LoopRow[]> {
    const result = await client.query<LoopRow>(`select ${columns} from loops l where l.pattern_id = $1 order by l.number desc`, [options.patternId]);
    return result.rows;
  }
}
