import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../log/create-logger.js';
import type { LeaderLock, LockAttempt } from './leader-lock.js';

/** An API server to talk to instead of the pod's own (tests, with the fake Lease API server). */
export interface KubernetesCluster {
  /** `https://…` (or `http://…` on loopback). */
  readonly server: string;
  readonly namespace: string;
  /** Bearer token; the in-cluster config reads the service account's instead. */
  readonly token?: string;
  /** CA bundle the server's certificate is checked against. */
  readonly caFile?: string;
}

export interface KubernetesLeaseLockOptions {
  readonly name: string;
  readonly namespace: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly logger: Logger;
  /** Omitted: the in-cluster config (service-account token and CA, KUBERNETES_SERVICE_HOST/PORT). */
  readonly cluster?: KubernetesCluster;
}

/** The HTTP status of a failed API call (client-node's ApiException carries it as `code`). */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

/**
 * Leader election in a cluster: one `coordination.k8s.io/v1` Lease, as client-go's
 * leaderelection keeps it. The holder renews `renewTime`; anyone may take the Lease once it
 * names nobody or `renewTime + leaseDurationSeconds` has passed, which bumps
 * `leaseTransitions`. Every write carries the `resourceVersion` just read, so of two
 * replicas racing for it the API server accepts one and answers the other 409 Conflict:
 * that one lost. client-node is imported here, when the Lease backend is chosen, so
 * processes outside a cluster never load it.
 */
export async function createKubernetesLeaseLock(options: KubernetesLeaseLockOptions): Promise<LeaderLock> {
  const { name, namespace, identity, logger } = options;
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  if (options.cluster === undefined) {
    kubeConfig.loadFromCluster();
  } else {
    const { server, token, caFile } = options.cluster;
    // client-node refuses plain http unless told to skip TLS checks, which http has none of.
    const skipTLSVerify = server.startsWith('http:');
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'leader-election', server, skipTLSVerify, ...(caFile === undefined ? {} : { caFile }) }],
      users: [{ name: 'leader-election', ...(token === undefined ? {} : { token }) }],
      contexts: [{ name: 'leader-election', cluster: 'leader-election', user: 'leader-election' }],
      currentContext: 'leader-election',
    });
  }
  const api: CoordinationV1Api = kubeConfig.makeApiClient(k8s.CoordinationV1Api);
  const leaseDurationSeconds = Math.ceil(options.leaseDurationMs / 1000);
  // MicroTime serializes with microseconds, the format the API server stores.
  const microTime = (at: number) => new k8s.V1MicroTime(at);

  async function create(now: number): Promise<LockAttempt> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
    };
    try {
      await api.createNamespacedLease({ namespace, body });
      return { held: true };
    } catch (error) {
      if (statusOf(error) === 409) return { held: false }; // another replica created it first
      throw error;
    }
  }

  async function read(): Promise<V1Lease | undefined> {
    try {
      return await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  return {
    backend: 'kubernetes',
    claimOutlivesFailedRenewal: true,
    async attempt() {
      const now = Date.now();
      const lease = await read();
      if (lease === undefined) return create(now);
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const ours = holder === identity;
      if (!ours && holder !== '') {
        // client-node hands MicroTime back as the string it received; Date reads both.
        const expiresAt = (spec.renewTime === undefined ? 0 : new Date(spec.renewTime).getTime()) + (spec.leaseDurationSeconds ?? 0) * 1000;
        if (expiresAt > now) return { held: false, retryAt: expiresAt };
      }
      const body: V1Lease = {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds,
          renewTime: microTime(now),
          ...(ours ? {} : { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
        },
      };
      try {
        await api.replaceNamespacedLease({ name, namespace, body });
        return { held: true };
      } catch (error) {
        if (statusOf(error) === 409) return { held: false }; // written by someone else since our read
        throw error;
      }
    },
    async release() {
      try {
        const lease = await read();
        if (lease?.spec?.holderIdentity !== identity) return;
        // Nobody holds it now: a peer takes it on its next try instead of waiting out the duration.
        const spec = { ...lease.spec, renewTime: microTime(Date.now()) };
        delete spec.holderIdentity;
        await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } });
      } catch (error) {
        // 409: someone wrote it since, so it is no longer ours to give up. Otherwise it runs out.
        if (statusOf(error) !== 409) logger.warn({ err: error, election: name }, 'leader lease release failed; it expires instead');
      }
    },
    // A Lease we could not renew simply runs out; there is nothing to close.
    abandon: async () => undefined,
  };
}
