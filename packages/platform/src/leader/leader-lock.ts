/** What one attempt to take or keep the leadership found. */
export type LockAttempt =
  | { readonly held: true }
  /** `retryAt`: when the current holder's claim runs out, if the backend knows (a Lease does). */
  | { readonly held: false; readonly retryAt?: number };

/**
 * One backend of leader election: a Kubernetes Lease or a PostgreSQL advisory lock. The
 * elector calls `attempt` on every tick (taking a free lock, renewing a held one) and
 * `release` once, when it stops.
 */
export interface LeaderLock {
  readonly backend: 'kubernetes' | 'postgres';
  /**
   * A Lease stays ours until it runs out even when a renewal fails, so the leader may keep
   * leading until then and retry; a broken advisory-lock session has freed the lock already.
   */
  readonly claimOutlivesFailedRenewal: boolean;
  /** Takes the lock when free, renews it when held; throws when the backend cannot be asked. */
  attempt(): Promise<LockAttempt>;
  /** Gives a held lock up at once, so a peer takes it on its next try; never throws. */
  release(): Promise<void>;
  /** Called when leadership is lost without `release` (failed renewals): drop what is still held. */
  abandon(): Promise<void>;
}
