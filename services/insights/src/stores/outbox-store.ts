import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '@causeloop/platform/db';

export type OutboxEventType = 'pattern.detected' | 'prediction.raised' | 'recommendation.held' | 'recommendation.not_held' | 'loop.reopened';

export interface OutboxEvent {
  readonly type: OutboxEventType;
  /** The same key is one event: writing it again (a retried job, a rerun) adds nothing. */
  readonly dedupeKey: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** outbox of the current tenant: events written in the transaction of what they report (0019). */
export interface OutboxStore {
  append(client: TenantClient, events: readonly OutboxEvent[]): Promise<void>;
}

export class PgOutboxStore implements OutboxStore {
  async append(client: TenantClient, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await client.query(
      `insert into outbox (workspace_id, id, event_type, dedupe_key, payload)
       select app_current_tenant(), e.id, e.type, e.dedupe_key, e.payload
         from jsonb_to_recordset($1::jsonb) as e(id uuid, type text, dedupe_key text, payload jsonb)
       on conflict (workspace_id, dedupe_key) do nothing`,
      [JSON.stringify(events.map((event) => ({ id: uuidv7(), type: event.type, dedupe_key: event.dedupeKey, payload: event.payload })))],
    );
  }
}
