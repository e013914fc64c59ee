import type { TenantClient } from '@causeloop/platform/db';

/** A validated audit-log filter; undefined fields do not filter. */
export interface AuditFilter {
  readonly actorId?: string | undefined;
  readonly actionPrefix?: string | undefined;
  readonly targetType?: string | undefined;
  readonly targetId?: string | undefined;
  readonly createdAfter?: Date | undefined;
  readonly createdBefore?: Date | undefined;
}

/** One audit_log row as the listing reads it. */
export interface AuditEntryRow {
  readonly id: string;
  readonly actor_id: string | null;
  readonly actor_kind: string | null;
  readonly actor_name: string | null;
  readonly action: string;
  readonly action_category: string;
  readonly target_type: string | null;
  readonly target_id: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly ip_address: string | null;
  readonly trace_id: string | null;
  readonly created_at: Date;
  /** created_at in whole microseconds since the epoch: the exact keyset position. */
  readonly created_us: string;
}

/** Where a newest-first listing continues: strictly older than this entry. */
export interface AuditPosition {
  readonly createdUs: string;
  readonly id: string;
}

/** The current tenant's audit_log, read only: entries are written with the platform's appendAuditEntry. */
export interface AuditEntryStore {
  list(client: TenantClient, options: { filter: AuditFilter; after: AuditPosition | undefined; limit: number }): Promise<AuditEntryRow[]>;
}

/** LIKE treats % and _ as wildcards: a prefix is matched literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export class PgAuditEntryStore implements AuditEntryStore {
  async list(
    client: TenantClient,
    options: { filter: AuditFilter; after: AuditPosition | undefined; limit: number },
  ): Promise<AuditEntryRow[]> {
    const { filter, after, limit } = options;
    // Newest first by (created_at, id), keyset on both: microseconds are compared exactly,
    // never through a JavaScript Date (milliseconds), so no entry is skipped or repeated.
    const result = await client.query<AuditEntryRow>(
      `select id, actor_id, actor_kind, actor_name, action, action_category, target_type, target_id, before, after,
              host(ip_address) as ip_address, trace_id, created_at,
              (extract(epoch from created_at) * 1000000)::bigint::text as created_us
         from audit_log
        where ($1::uuid is null or actor_id = $1)
          and ($2::text is null or action like $2)
          and ($3::text is null or target_type = $3)
          and ($4::text is null or target_id = $4)
          and ($5::timestamptz is null or created_at >= $5)
          and ($6::timestamptz is null or created_at < $6)
          and ($7::bigint is null
               or (created_at, id) < (timestamptz 'epoch' + $7::bigint * interval '1 microsecond', $8::uuid))
        order by created_at desc, id desc
        limit $9`,
      [
        filter.actorId ?? null,
        filter.actionPrefix === undefined ? null : likePrefix(filter.actionPrefix),
        filter.targetType ?? null,
        filter.targetId ?? null,
        filter.createdAfter ?? null,
        filter.createdBefore ?? null,
        after?.createdUs ?? null,
        after?.id ?? null,
        limit,
      ],
    );
    return result.rows;
  }
}

export function positionOf(row: AuditEntryRow): string {
  return `${row.created_us}/${row.id}`;
}

/** Reads a position back from a (verified) cursor. */
export function parsePosition(position: string): AuditPosition | undefined {
  const match = /^(\d{1,20})\/([0-9a-f-]{36})$/.exec(position);
  return match === null ? undefined : { createdUs: match[1]!, id: match[2]! };
}
