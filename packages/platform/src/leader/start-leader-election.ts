import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { leaderElectionConfigSchema } from '../config/leader-election-config.js';
import type { ConfigOf } from '../config/load-config.js';
import type { ServiceRuntime } from '../runtime/create-service-runtime.js';
import { createLeaderElector, type LeaderBackend, type LeaderElector } from './create-leader-elector.js';
import { podNamespace, runsInCluster, serviceAccountDirectory } from './in-cluster.js';
import type { KubernetesCluster } from './kubernetes-lease-lock.js';

export type LeaderElectionConfig = ConfigOf<typeof leaderElectionConfigSchema>;

export interface LeaderElectionOptions {
  readonly config: LeaderElectionConfig;
  /** The service's pool: the advisory lock borrows one connection of it while leading. */
  readonly pool: Pool;
  /** An API server other than the pod's own; counts as being in a cluster (tests). */
  readonly cluster?: KubernetesCluster;
  /** Defaults to `<host name>_<pid>`: the pod's name in a cluster, distinct per process. */
  readonly identity?: string;
}

/**
 * Joins the service's election (DESIGN §10): a Kubernetes Lease in a cluster, a PostgreSQL
 * advisory lock elsewhere, as LEADER_ELECTION says. `kubernetes` outside a cluster refuses
 * to start rather than fall back to a lock the other replicas do not take. On SIGTERM the
 * drain stops the election, which waits for leader-only runs and then hands over at once.
 */
export async function startLeaderElection(runtime: ServiceRuntime, options: LeaderElectionOptions): Promise<LeaderElector> {
  const { config } = options;
  const name = config.leaderElectionLease ?? `causeloop-${runtime.service}`;
  const elector = await createLeaderElector({
    name,
    identity: options.identity ?? `${hostname()}_${process.pid}`,
    leaseDurationMs: config.leaderElectionLeaseDurationMs,
    renewIntervalMs: config.leaderElectionRenewIntervalMs,
    backend: chooseBackend(options),
    logger: runtime.logger,
    registry: runtime.registry,
  });
  runtime.lifecycle.onDrain('leader election', () => elector.stop());
  runtime.logger.info({ election: name, identity: elector.identity, backend: elector.backend }, 'leader election joined');
  return elector;
}

function chooseBackend({ config, pool, cluster }: LeaderElectionOptions): LeaderBackend {
  if (cluster !== undefined && config.leaderElection !== 'postgres') return { kind: 'kubernetes', namespace: cluster.namespace, cluster };
  const inCluster = runsInCluster(config.kubernetesServiceHost);
  if (config.leaderElection === 'postgres' || (config.leaderElection === 'auto' && !inCluster)) return { kind: 'postgres', pool };
  if (!inCluster) {
    throw new Error(
      `LEADER_ELECTION=kubernetes, but this process is not in a cluster (it needs KUBERNETES_SERVICE_HOST and a service-account token at ${serviceAccountDirectory}/token); set LEADER_ELECTION=postgres or auto outside Kubernetes`,
    );
  }
  const namespace = podNamespace(config.podNamespace);
  if (namespace === undefined) throw new Error(`leader election: no namespace (neither ${serviceAccountDirectory}/namespace nor POD_NAMESPACE)`);
  return { kind: 'kubernetes', namespace };
}
