import type { Pool } from 'pg';
import { withTenant, type TenantClient } from '@causeloop/platform/db';
import type { Logger } from '@causeloop/platform/log';
import type { LoopStore } from '../stores/loop-store.js';
import type { OutboxStore } from '../stores/outbox-store.js';
import type { PatternStore } from '../stores/pattern-store.js';
import type { RecommendationStore } from '../stores/recommendation-store.js';
import { closeProvingLoop } from './close-proving-loop.js';

export interface LoopWatcherOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly loops: LoopStore;
  readonly outbox: OutboxStore;
  readonly patterns: Pick<PatternStore, 'setStatus'>;
  readonly recommendations: Pick<RecommendationStore, 'setOutcome'>;
  readonly metrics?: { loopClosed(outcome: 'held' | 'not_held'): void };
  readonly signal?: AbortSignal;
}

const pageSize = 100;

/**
 * Closes the proving loops whose proof window has ended (run by the elected leader beside
 * the predictor). No issue of the pattern occurred inside the window: the fix held, the
 * pattern is resolved and `recommendation.held` is written. One did (ingested late, so the
 * pattern did not reopen at once): not held, the pattern is active again in a new loop. A regression seen
 * at ingest time closed its loop already (pattern-transitions.ts). Each workspace in its
 * own tenant transaction; loops are locked SKIP LOCKED, so two overlapping runs never close
 * one twice.
 */
export async function runLoopWatcher(options: LoopWatcherOptions): Promise<{ held: number; notHeld: number }> {
  const at = options.clock();
  let held = 0;
  let notHeld = 0;
  let after: string | null = null;
  for (;;) {
    const page: { rows: { workspace_id: string }[] } = await options.pool.query<{ workspace_id: string }>(
      'select workspace_id from insights_due_loop_workspace_ids($1, $2, $3)',
      [at, after, pageSize],
    );
    for (const { workspace_id: workspaceId } of page.rows) {
      if (options.signal?.aborted === true) return { held, notHeld };
      try {
        const closed = await withTenant(options.pool, workspaceId, (client) => closeDueLoops(options, client, at));
        held += closed.held;
        notHeld += closed.notHeld;
      } catch (error) {
        options.logger.error({ err: error, workspace_id: workspaceId }, 'loop watcher failed for a workspace');
      }
    }
    if (page.rows.length < pageSize) break;
    after = page.rows.at(-1)!.workspace_id;
  }
  return { held, notHeld };
}

async function closeDueLoops(
  options: LoopWatcherOptions,
  client: TenantClient,
  at: Date,
): Promise<{ held: number; notHeld: number }> {
  let held = 0;
  let notHeld = 0;
  for (const loop of await options.loops.dueForUpdate(client, { at })) {
    const outcome = loop.recurrences === 0 ? 'held' : 'not_held';
    await options.patterns.setStatus(client, { id: loop.pattern_id, status: outcome === 'held' ? 'resolved' : 'active' });
    await options.outbox.append(client, [await closeProvingLoop(options, client, { loop, outcome, at })]);
    options.metrics?.loopClosed(outcome);
    if (outcome === 'held') held += 1;
    else notHeld += 1;
  }
  return { held, notHeld };
}
