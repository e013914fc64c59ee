import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '@causeloop/platform/db';
import type { LoopRow, LoopStore } from '../stores/loop-store.js';
import type { OutboxEvent } from '../stores/outbox-store.js';
import type { RecommendationStore } from '../stores/recommendation-store.js';

/**
 * Closes a proving loop, whoever noticed the outcome (ingest seeing a recurrence, the loop
 * watcher seeing the window end): the loop and its recommendation take the outcome; a fix
 * that did not hold opens the pattern's next loop (`regressed`). Returns the event to write.
 * The pattern's own status is the caller's: ingest has already made it active.
 */
export async function closeProvingLoop(
  deps: { readonly loops: LoopStore; readonly recommendations: Pick<RecommendationStore, 'setOutcome'> },
  client: TenantClient,
  options: { loop: LoopRow; outcome: 'held' | 'not_held'; at: Date },
): Promise<OutboxEvent> {
  const { loop, outcome, at } = options;
  const recommendationId = loop.recommendation_id!;
  await deps.loops.close(client, { id: loop.id, status: outcome, at });
  await deps.recommendations.setOutcome(client, { id: recommendationId, outcome });
  const next = outcome === 'not_held' ? await deps.loops.open(client, { id: uuidv7(), patternId: loop.pattern_id, openedBy: 'regressed', at }) : undefined;
  return {
    type: outcome === 'held' ? 'recommendation.held' : 'recommendation.not_held',
    dedupeKey: `recommendation.${outcome}:${recommendationId}`,
    payload: { pattern_id: loop.pattern_id, recommendation_id: recommendationId, loop_id: loop.id, next_loop_id: next?.id ?? null },
  };
}
