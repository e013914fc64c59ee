export { createLeaderElector, type LeaderBackend, type LeaderElector, type LeaderElectorOptions, type LeaderRun } from './create-leader-elector.js';
export { podNamespace, runsInCluster, serviceAccountDirectory } from './in-cluster.js';
export type { KubernetesCluster } from './kubernetes-lease-lock.js';
export type { LeaderLock, LockAttempt } from './leader-lock.js';
export { leaderOnly } from './leader-only.js';
export { startLeaderElection, type LeaderElectionConfig, type LeaderElectionOptions } from './start-leader-election.js';
