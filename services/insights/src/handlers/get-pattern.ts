import type { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { patternView } from './views.js';

/** Days of the daily frequency series GetPattern answers with (UTC days, today included). */
export const dailySeriesDays = 30;

/** GetPattern: one pattern with its daily frequency over the last 30 UTC days, counted from its issues. */
export function getPattern(deps: Pick<InsightsDeps, 'pool' | 'patterns'>): ScopedHandler<typeof PatternService, 'getPattern'> {
  return async (request, { principal }) => {
    const found = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      const row = await deps.patterns.get(client, { id: request.patternId });
      return row === undefined ? undefined : { row, daily: await deps.patterns.daily(client, { id: row.id, days: dailySeriesDays }) };
    });
    if (found === undefined) throw notFound('pattern');
    return { pattern: patternView(found.row, found.daily) };
  };
}
