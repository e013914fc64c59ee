import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { invalidTransition } from '../errors.js';
import { patternMoves, patternStatusOf } from '../workflow.js';
import { patternView } from './views.js';

/** UpdatePattern: moves a pattern along its lifecycle (workflow.ts); `watching` is taken for mitigating. */
export function updatePattern(deps: Pick<InsightsDeps, 'pool' | 'patterns' | 'minerState'>): ScopedHandler<typeof PatternService, 'updatePattern'> {
  return async (request, context) => {
    const mutation = { method: PatternService.method.updatePattern, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      await deps.minerState.lockGrouping(client);
      const [before] = await deps.patterns.getManyForUpdate(client, { ids: [request.patternId] });
      if (before === undefined) throw notFound('pattern');
      const status = request.status === undefined ? before.status : patternStatusOf(request.status);
      if (status === before.status) return { pattern: patternView(before) };
      const allowed = patternMoves[before.status];
      if (!allowed.includes(status)) throw invalidTransition('pattern', before.status, status, allowed);
      await deps.patterns.setStatus(client, { id: before.id, status });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'pattern.updated',
        targetType: 'pattern',
        targetId: before.id,
        before: { status: before.status },
        after: { status },
      });
      return { pattern: patternView((await deps.patterns.get(client, { id: before.id }))!) };
    });
  };
}
