import { env, optional } from './env-var.js';

/** How LEADER_ELECTION picks the backend; `auto` takes a Lease in a cluster, the advisory lock elsewhere. */
export const leaderElectionModes = ['auto', 'kubernetes', 'postgres'] as const;
export type LeaderElectionMode = (typeof leaderElectionModes)[number];

/**
 * Variables of a service that runs leader-only jobs (DESIGN §10). The chart sets
 * `kubernetes` and the Lease name for components with `leaderElection`, so a pod that lost
 * its token fails to start instead of falling back to a lock its peers do not take.
 */
export const leaderElectionConfigSchema = {
  leaderElection: env.oneOf('LEADER_ELECTION', leaderElectionModes, { default: 'auto' }),
  /** The Lease (or advisory lock) name; `causeloop-<service>` when unset. */
  leaderElectionLease: optional(env.string('LEADER_ELECTION_LEASE')),
  /** How long a leader that stopped renewing keeps the Lease; whole seconds on the Lease. */
  leaderElectionLeaseDurationMs: env.integer('LEADER_ELECTION_LEASE_DURATION_MS', { default: 15_000, min: 1_000, max: 300_000 }),
  /** How often the leader renews and the others try; at most half the lease duration. */
  leaderElectionRenewIntervalMs: env.integer('LEADER_ELECTION_RENEW_INTERVAL_MS', { default: 5_000, min: 100, max: 100_000 }),
  /** Set by the kubelet in every pod: with a service-account token, the pod is in a cluster. */
  kubernetesServiceHost: optional(env.string('KUBERNETES_SERVICE_HOST')),
  /** The Lease's namespace when the service account's namespace file is missing. */
  podNamespace: optional(env.string('POD_NAMESPACE')),
};
