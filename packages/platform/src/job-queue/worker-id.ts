import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A name for one worker of one process, stored with every lease it takes: the host (the pod
 * in a cluster) and pid say where it ran, the random part tells two workers of one process
 * apart and a restarted process from its previous life.
 */
export function createWorkerId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}
