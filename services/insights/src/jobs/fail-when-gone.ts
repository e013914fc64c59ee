import { CauseloopError } from '@causeloop/platform/errors';
import type { JobContext } from '@causeloop/platform/job-queue';

/**
 * Runs a job's work; when its subject is gone (the work threw not_found: a pattern merged
 * away, say) the job ends as failed with `reason` rather than being retried, since no attempt
 * could ever find it. Any other error propagates, and the queue retries with backoff.
 * Resolves true when the work ran, false when the job was ended instead.
 */
export async function failWhenGone(context: JobContext, reason: string, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (!(error instanceof CauseloopError && error.code === 'not_found')) throw error;
    await context.fail(reason);
    return false;
  }
}
