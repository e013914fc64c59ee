import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '@causeloop/platform/db';
import { enqueueJob } from '@causeloop/platform/job-queue';
import type { LoopStore } from '../stores/loop-store.js';
import type { OutboxEvent, OutboxStore } from '../stores/outbox-store.js';
import type { PatternTransition } from '../stores/pattern-store.js';
import type { RecommendationStore } from '../stores/recommendation-store.js';
import { closeProvingLoop } from './close-proving-loop.js';
import { patternAnalysisJob } from './pattern-analysis-job.js';

export interface TransitionDeps {
  readonly loops: LoopStore;
  readonly outbox: OutboxStore;
  readonly recommendations: RecommendationStore;
}

/**
 * What a pattern becoming active on its own (ingest) does to its loop, in the ingest's
 * transaction (docs/loop.md):
 * - emerging → active: the pattern is detected; its first loop opens, a `pattern.detected`
 *   event is written and its analysis is queued.
 * - mitigating → active while a fix was proving: the fix did not hold; the loop closes
 *   `not_held` (and its recommendation), `recommendation.not_held` is written and a new loop
 *   opens (regressed).
 * - resolved → active: the pattern came back after it was resolved; a new loop opens and
 *   `loop.reopened` is written.
 * Returns whether a job was queued (the caller wakes the worker after the commit).
 */
export async function applyPatternTransitions(
  deps: TransitionDeps,
  client: TenantClient,
  workspaceId: string,
  transitions: readonly PatternTransition[],
  at: Date,
): Promise<{ queuedJobs: number }> {
  const events: OutboxEvent[] = [];
  let queuedJobs = 0;
  for (const { id: patternId, from, to } of transitions) {
    if (to !== 'active') continue;
    const current = await deps.loops.currentForUpdate(client, { patternId });
    if (from === 'emerging') {
      const loop = current ?? (await deps.loops.open(client, { id: uuidv7(), patternId, openedBy: 'detected', at }));
      events.push({ type: 'pattern.detected', dedupeKey: `pattern.detected:${patternId}`, payload: { pattern_id: patternId, loop_id: loop?.id ?? null } });
      await enqueueJob(client, { workspaceId, kind: patternAnalysisJob, payload: { pattern_id: patternId } });
      queuedJobs += 1;
    } else if (from === 'mitigating' && current?.status === 'proving') {
      events.push(await closeProvingLoop(deps, client, { loop: current, outcome: 'not_held', at }));
    } else if (from === 'resolved' && current === undefined) {
      const next = (await deps.loops.open(client, { id: uuidv7(), patternId, openedBy: 'reopened', at }))!;
      events.push({ type: 'loop.reopened', dedupeKey: `loop.reopened:${next.id}`, payload: { pattern_id: patternId, loop_id: next.id, number: next.number } });
    }
  }
  await deps.outbox.append(client, events);
  return { queuedJobs };
}
