import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, type AuditActor } from '@causeloop/platform/audit';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { withTenant, type TenantClient } from '@causeloop/platform/db';
import { proposeRecommendations } from '../analysis/propose-recommendations.js';
import type { AnalysisDeps } from '../analysis/analyze-subject.js';
import type { InsightsDeps } from '../deps.js';
import type { LlmTier } from '../llm/llm-provider.js';
import type { Severity } from '../predictions/index.js';
import type { RecommendationRow } from '../stores/recommendation-store.js';
import { rankScore } from './ranking.js';

export type RecommendDeps = Omit<AnalysisDeps, 'metrics'> & Pick<InsightsDeps, 'recommendations'>;

/**
 * A pattern's recommendations: the ones it has, or new ones proposed by the provider (the
 * offline one without an API key), validated, ranked and stored with an audit entry in
 * `commit`'s transaction. The provider is asked outside any transaction. An answer that is
 * not usable (failed, refused, truncated) stores nothing and is 503 `unavailable`: the
 * caller may try again.
 */
export async function recommendForPattern<R>(
  deps: RecommendDeps,
  call: { readonly workspaceId: string; readonly patternId: string; readonly tier: LlmTier; readonly actor: AuditActor; readonly signal?: AbortSignal },
  commit: (write: (client: TenantClient) => Promise<RecommendationRow[]>) => Promise<R>,
): Promise<R> {
  // The provider is asked only for a pattern with none: its answer would be thrown away.
  const has = await withTenant(deps.pool, call.workspaceId, (client) => deps.recommendations.countForPattern(client, { patternId: call.patternId }));
  const proposed =
    has > 0 ? undefined : await proposeRecommendations(deps, call.workspaceId, { kind: 'pattern', id: call.patternId }, call.tier, call.signal);
  return commit(async (client) => {
    // The pattern's row lock makes proposals for one pattern take turns (a job and a POST, or
    // two POSTs with different keys): a second caller waits here, and the read below, a new
    // snapshot in READ COMMITTED, then sees what the first one stored.
    const [pattern] = await deps.patterns.getManyForUpdate(client, { ids: [call.patternId] });
    if (pattern === undefined) throw notFound('pattern');
    const existing = await deps.recommendations.list(client, { filter: { patternId: call.patternId }, sort: 'rank_score', after: undefined, limit: 50 });
    if (existing.length > 0) return existing;
    // Recommendations are never deleted, so `has` cannot have been followed by none.
    if (proposed === undefined) throw new Error(`pattern ${call.patternId} had recommendations and now has none`);
    if (proposed.status !== 'ok') {
      throw new CauseloopError('unavailable', `the ${proposed.provider} provider gave no usable recommendations (${proposed.status}); try again`);
    }
    const rows = await deps.recommendations.insertMany(
      client,
      proposed.value.items.map((item) => ({
        id: uuidv7(),
        pattern_id: pattern.id,
        title: item.title,
        type: item.type,
        impact: item.impact,
        effort: item.effort,
        steps: item.steps.map((text) => ({ text, done: false })),
        expected_loops_prevented: item.expected_loops_prevented,
        rank_score: rankScore({ expectedLoopsPrevented: item.expected_loops_prevented, effort: item.effort }, pattern.severity as Severity),
        provider: proposed.provider,
        model: proposed.model,
      })),
    );
    await appendAuditEntry(client, {
      ...call.actor,
      action: 'recommendation.proposed',
      targetType: 'pattern',
      targetId: pattern.id,
      after: { recommendations: rows.map((row) => row.id), provider: proposed.provider, model: proposed.model },
    });
    return [...rows].sort((a, b) => b.rank_score - a.rank_score || (a.id < b.id ? 1 : -1));
  });
}
