import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Lease as the API server stores and returns it (`coordination.k8s.io/v1`). */
export interface StoredLease {
  readonly apiVersion: 'coordination.k8s.io/v1';
  readonly kind: 'Lease';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly resourceVersion: string;
    readonly creationTimestamp: string;
    readonly [field: string]: unknown;
  };
  readonly spec: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
    readonly leaseTransitions?: number;
    readonly [field: string]: unknown;
  };
}

export interface FakeLeaseApiServer {
  /** `http://127.0.0.1:<port>`: the `server` of a kubeconfig cluster. */
  readonly url: string;
  /** The bearer token every request must carry (401 otherwise). */
  readonly token: string;
  lease(namespace: string, name: string): StoredLease | undefined;
  /** Requests answered, by method and status: `PUT 409`. */
  readonly answered: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const leasePath = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([a-z0-9-]+)\/leases(?:\/([a-z0-9.-]+))?$/;

/**
 * A local stand-in for the Kubernetes API server that speaks the real Lease API, so the
 * real `@kubernetes/client-node` client runs against it (no API server can be had here):
 * GET, POST and PUT on `/apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}]`,
 * one resourceVersion counter for every write as etcd's revision is, and `Status`
 * objects for failures: 404 NotFound, 409 AlreadyExists on a create of an existing Lease,
 * 409 Conflict on a PUT whose resourceVersion is not the stored one, 401 without the token.
 */
export async function startFakeLeaseApiServer(): Promise<FakeLeaseApiServer> {
  const token = randomUUID();
  const leases = new Map<string, StoredLease>();
  const answered = new Map<string, number>();
  let revision = 1000;

  function status(response: ServerResponse, code: number, reason: string, message: string, name?: string): void {
    send(response, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(name === undefined ? {} : { details: { name, group: 'coordination.k8s.io', kind: 'leases' } }),
      code,
    });
  }

  function send(response: ServerResponse, code: number, body: unknown): void {
    const key = `${response.req.method} ${code}`;
    answered.set(key, (answered.get(key) ?? 0) + 1);
    response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  function store(namespace: string, name: string, body: StoredLease, previous: StoredLease | undefined): StoredLease {
    revision += 1;
    const lease: StoredLease = {
      ...body,
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...body.metadata,
        name,
        namespace,
        uid: previous?.metadata.uid ?? randomUUID(),
        creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        resourceVersion: String(revision),
      },
      spec: body.spec ?? {},
    };
    leases.set(`${namespace}/${name}`, lease);
    return lease;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = leasePath.exec(new URL(request.url ?? '/', 'http://fake').pathname);
    if (request.headers.authorization !== `Bearer ${token}`) return status(response, 401, 'Unauthorized', 'Unauthorized');
    if (match === null) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
    const namespace = match[1]!;
    const name = match[2];
    const key = `${namespace}/${name}`;
    const notFound = () => status(response, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`, name);

    if (request.method === 'GET' && name === undefined) {
      const items = [...leases.values()].filter((lease) => lease.metadata.namespace === namespace);
      return send(response, 200, { apiVersion: 'coordination.k8s.io/v1', kind: 'LeaseList', metadata: { resourceVersion: String(revision) }, items });
    }
    if (request.method === 'GET' && name !== undefined) {
      const lease = leases.get(key);
      return lease === undefined ? notFound() : send(response, 200, lease);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: StoredLease;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StoredLease;
    } catch {
      return status(response, 400, 'BadRequest', 'the request body is not JSON');
    }
    if (request.method === 'POST' && name === undefined) {
      const bodyName = body.metadata?.name;
      if (typeof bodyName !== 'string' || bodyName === '') return status(response, 422, 'Invalid', 'metadata.name: Required value');
      if (leases.has(`${namespace}/${bodyName}`)) {
        return status(response, 409, 'AlreadyExists', `leases.coordination.k8s.io "${bodyName}" already exists`, bodyName);
      }
      return send(response, 201, store(namespace, bodyName, body, undefined));
    }
    if (request.method === 'PUT' && name !== undefined) {
      const current = leases.get(key);
      if (current === undefined) return notFound();
      if (body.metadata?.name !== name) return status(response, 400, 'BadRequest', 'the name of the object does not match the name on the URL');
      if (body.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return status(
          response,
          409,
          'Conflict',
          `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          name,
        );
      }
      return send(response, 200, store(namespace, name, body, current));
    }
    return status(response, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => status(response, 500, 'InternalError', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    lease: (namespace, name) => leases.get(`${namespace}/${name}`),
    answered,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
