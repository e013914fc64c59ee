import type { Pool } from 'pg';
import type { Logger } from '../log/create-logger.js';
import { metricCatalogue } from '../metrics/catalogue.js';
import type { Registry } from '../metrics/create-metrics-registry.js';
import { metric } from '../metrics/metric.js';
import { createKubernetesLeaseLock, type KubernetesCluster } from './kubernetes-lease-lock.js';
import type { LeaderLock, LockAttempt } from './leader-lock.js';
import { createPostgresAdvisoryLock } from './postgres-advisory-lock.js';

export type LeaderBackend =
  /** A Lease in `namespace`; `cluster` omitted: the pod's in-cluster config. */
  | { readonly kind: 'kubernetes'; readonly namespace: string; readonly cluster?: KubernetesCluster }
  | { readonly kind: 'postgres'; readonly pool: Pool };

export interface LeaderElectorOptions {
  /** The Lease (or lock) name, one per service: `causeloop-tenancy`. Also the metrics' `election`. */
  readonly name: string;
  /** This process, unique among its peers: `<pod name>_<pid>`. */
  readonly identity: string;
  /** How long the leadership outlives its last renewal (whole seconds on a Lease). */
  readonly leaseDurationMs: number;
  /** How often the leader renews and the others try: at most half the lease duration. */
  readonly renewIntervalMs: number;
  readonly backend: LeaderBackend;
  readonly logger: Logger;
  readonly registry?: Registry;
}

export type LeaderRun<R> = { readonly leader: true; readonly result: R } | { readonly leader: false };

export interface LeaderElector {
  readonly name: string;
  readonly identity: string;
  readonly backend: LeaderLock['backend'];
  /** Leads now: the last renewal succeeded less than a lease duration ago. */
  isLeader(): boolean;
  /** Called with each change of `isLeader()`; returns the unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
  /**
   * Runs `run` when leading now, else nothing. Its signal aborts when the leadership is
   * lost or the elector stops (check it between units of work); `stop()` waits for it.
   */
  ifLeader<R>(run: (signal: AbortSignal) => Promise<R>): Promise<LeaderRun<R>>;
  /** Stops trying, waits for runs of `ifLeader`, then releases, so a peer takes over at once. */
  stop(): Promise<void>;
}

/**
 * One election: takes the lock when free, renews it every `renewIntervalMs` while leading,
 * and tries again as often while not (or as soon as a Lease's holder runs out). The local
 * claim ends a lease duration after the start of the last good renewal, which is no later
 * than a peer may take the Lease over; a renewal that fails keeps leading until then (a
 * Lease) or steps down at once (a broken advisory-lock session has freed the lock). No
 * leader for a while is safe; two are not.
 */
export async function createLeaderElector(options: LeaderElectorOptions): Promise<LeaderElector> {
  const { name, identity, leaseDurationMs, renewIntervalMs, backend, logger } = options;
  if (renewIntervalMs * 2 > leaseDurationMs) {
    throw new Error(`leader election ${name}: the renew interval (${renewIntervalMs} ms) must be at most half the lease duration (${leaseDurationMs} ms)`);
  }
  const lock =
    backend.kind === 'kubernetes'
      ? await createKubernetesLeaseLock({ name, identity, leaseDurationMs, logger, namespace: backend.namespace, ...(backend.cluster === undefined ? {} : { cluster: backend.cluster }) })
      : createPostgresAdvisoryLock({ pool: backend.pool, name, logger });
  const labels = { election: name };
  const changes = options.registry === undefined ? undefined : metric(options.registry, metricCatalogue.leader.changes);
  const holders = options.registry === undefined ? undefined : metric(options.registry, metricCatalogue.leader.holders);
  holders?.set(labels, 0);

  const listeners = new Set<(leader: boolean) => void>();
  const runs = new Set<Promise<unknown>>();
  let leader = false;
  let leaderUntil = 0;
  let leadership = new AbortController();
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let expiry: NodeJS.Timeout | undefined;
  let attempting: Promise<void> = Promise.resolve();

  function setLeader(value: boolean): void {
    if (value === leader) return;
    leader = value;
    holders?.set(labels, value ? 1 : 0);
    if (value) {
      changes?.inc(labels);
      leadership = new AbortController();
      logger.info({ election: name, identity, backend: lock.backend }, 'became the leader');
    } else {
      clearTimeout(expiry);
      leadership.abort(new Error(`leadership of ${name} lost`));
      logger.info({ election: name, identity, backend: lock.backend }, 'no longer the leader');
    }
    for (const listener of listeners) listener(value);
  }

  /** Bounds one call to the backend: a hung renewal must not keep the loop from stepping down. */
  function bounded(attempt: Promise<LockAttempt>): Promise<LockAttempt> {
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error(`no answer within ${renewIntervalMs} ms`)), renewIntervalMs).unref();
    });
    return Promise.race([attempt, late]).finally(() => clearTimeout(timeout));
  }

  async function tick(): Promise<void> {
    const started = Date.now();
    let outcome: LockAttempt;
    try {
      outcome = await bounded(lock.attempt());
    } catch (error) {
      logger.warn({ err: error, election: name }, 'leader election attempt failed');
      if (stopped) return;
      if (leader && lock.claimOutlivesFailedRenewal) {
        // Still ours until the local claim runs out (the expiry timer ends it): retry.
        timer = setTimeout(run, renewIntervalMs).unref();
        return;
      }
      outcome = { held: false };
      if (leader) await lock.abandon();
    }
    if (stopped) return;
    if (outcome.held) {
      // Measured from before the call: the Lease's renewTime is no earlier than this.
      leaderUntil = started + leaseDurationMs;
      clearTimeout(expiry);
      expiry = setTimeout(() => setLeader(false), leaderUntil - Date.now()).unref();
      setLeader(true);
      logger.debug({ election: name }, 'leadership renewed');
    } else {
      setLeader(false);
    }
    const retryIn = !outcome.held && outcome.retryAt !== undefined ? Math.max(0, outcome.retryAt - Date.now()) : renewIntervalMs;
    timer = setTimeout(run, Math.min(renewIntervalMs, retryIn)).unref();
  }

  function run(): void {
    attempting = tick();
  }

  run();
  return {
    name,
    identity,
    backend: lock.backend,
    isLeader: () => leader && Date.now() < leaderUntil,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async ifLeader<R>(work: (signal: AbortSignal) => Promise<R>): Promise<LeaderRun<R>> {
      if (stopped || !(leader && Date.now() < leaderUntil)) return { leader: false };
      const running = work(leadership.signal);
      runs.add(running);
      try {
        return { leader: true, result: await running };
      } finally {
        runs.delete(running);
      }
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await attempting;
        setLeader(false);
        await Promise.allSettled([...runs]);
        await lock.release();
      })();
      return stopping;
    },
  };
}
