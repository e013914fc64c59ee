import type { LeaderElector } from './create-leader-elector.js';

/**
 * A recurring job's run that does its work only while this process leads, for
 * `scheduleRecurringJob`: `{ leader: false }` (nothing logged) on the other replicas.
 *
 *   scheduleRecurringJob({ name: 'retention purge', intervalMs, logger,
 *     run: leaderOnly(leader, (signal) => runRetentionPurge({ pool, logger, signal })) });
 */
export function leaderOnly<R extends object>(
  elector: LeaderElector,
  run: (signal: AbortSignal) => Promise<R>,
): () => Promise<({ readonly leader: true } & R) | { readonly leader: false }> {
  return async () => {
    const outcome = await elector.ifLeader(run);
    return outcome.leader ? { ...outcome.result, leader: true } : { leader: false };
  };
}
