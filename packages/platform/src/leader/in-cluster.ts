import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where the kubelet mounts a pod's service-account token, CA and namespace. */
export const serviceAccountDirectory = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * In a pod that may talk to the API server: the kubelet set KUBERNETES_SERVICE_HOST and
 * mounted a token (the chart mounts one only for components with `leaderElection`).
 */
export function runsInCluster(kubernetesServiceHost: string | undefined, directory = serviceAccountDirectory): boolean {
  return kubernetesServiceHost !== undefined && existsSync(path.join(directory, 'token'));
}

/** The pod's namespace: the service account's namespace file, else POD_NAMESPACE. */
export function podNamespace(fallback: string | undefined, directory = serviceAccountDirectory): string | undefined {
  const file = path.join(directory, 'namespace');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : fallback;
}
