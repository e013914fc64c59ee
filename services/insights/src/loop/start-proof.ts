import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '@causeloop/platform/db';
import { predictRecurrence, type Severity } from '../predictions/index.js';
import type { LoopRow, LoopStore } from '../stores/loop-store.js';
import { appendPredictions, storedRecurrenceState } from '../stores/prediction-ledger.js';
import type { PatternRow, PatternStore } from '../stores/pattern-store.js';

const msPerDay = 86_400_000;

/**
 * A recommendation was implemented: its pattern goes to mitigating, its loop starts proving
 * for the workspace's proof window (`ai_proof_window_days`), and the ledger records what the
 * model expected of that window without the fix, so whether the fix held is scored like any
 * forecast. In the caller's transaction.
 */
export async function startProof(
  deps: { readonly loops: LoopStore; readonly patterns: Pick<PatternStore, 'setStatus'> },
  client: TenantClient,
  options: { pattern: PatternRow; recommendationId: string; at: Date },
): Promise<LoopRow> {
  const { pattern, recommendationId, at } = options;
  const windowDays = await proofWindowDays(client);
  const loop =
    (await deps.loops.currentForUpdate(client, { patternId: pattern.id })) ??
    (await deps.loops.open(client, { id: uuidv7(), patternId: pattern.id, openedBy: 'detected', at }))!;
  const issuedAt = at.getTime();
  const prediction = predictRecurrence({
    state: storedRecurrenceState(pattern, issuedAt),
    issuedAt,
    windowDays,
    severity: pattern.severity as Severity,
  });
  const predictionId = uuidv7();
  await appendPredictions(client, [{ id: predictionId, patternId: pattern.id, kind: 'proof_window', windowDays, prediction }]);
  await deps.patterns.setStatus(client, { id: pattern.id, status: 'mitigating' });
  return deps.loops.startProving(client, {
    id: loop.id,
    recommendationId,
    startedAt: at,
    endsAt: new Date(issuedAt + windowDays * msPerDay),
    predictionId,
  });
}

async function proofWindowDays(client: TenantClient): Promise<number> {
  const result = await client.query<{ days: number }>(`select ai_proof_window_days as days from workspaces where id = app_current_tenant()`);
  const days = result.rows[0]?.days;
  if (days === undefined) throw new Error('the current workspace has no settings row');
  return days;
}
