// The chart contract: start each rendered service (crypto, auth, api-gateway) locally with
// exactly the command, env, mounted files and ports the chart renders, and check the
// rendered probes, gRPC health and the gateway's HTTP port answer; run the migration Job's
// command against a fresh database.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { createTestDatabase, findFreePort, startServiceProcess, type ServiceProcess, type TestDatabase } from '@causeloop/platform/testing';
import type { IContainer, IEnvVar, IPodSpec } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findObject, generatedSecretsValuesFile, renderChart, repositoryRoot, reportMissingHelm, type K8sObject } from './helm.js';

const run = promisify(execFile);
const skip = reportMissingHelm('chart contract tests (charts/causeloop/test/contract.test.ts)', [
  'crypto starts with the rendered command, env, KEK file and ports; probes answer 200; gRPC health SERVING',
  'auth starts with the rendered command, env, Secrets, assertion key file, a fresh database and ports; probes answer 200; gRPC health SERVING',
  'the api-gateway starts with the rendered command, env and ports (AUTH_GRPC_ADDR pointed at auth); probes answer 200; GET /openapi.json answers 200',
  'the helm test pod command passes against them',
  'the migration Job command migrates a fresh database',
]);

const podSpec = (object: K8sObject): IPodSpec => (object['spec'] as { template: { spec: IPodSpec } }).template.spec;
const HealthClient = makeGenericClientConstructor(healthService, 'Health');

/** The value a rendered env entry has in the pod: literal, or from a rendered Secret. */
function resolveEnv(entry: IEnvVar, objects: readonly K8sObject[]): string {
  if (entry.value !== undefined) return entry.value;
  const ref = entry.valueFrom?.secretKeyRef;
  if (ref === undefined) throw new Error(`${entry.name}: only literal values and secretKeyRef are supported`);
  const secret = findObject(objects, 'Secret', ref.name!);
  const value = (secret['stringData'] as Record<string, string>)[ref.key];
  if (value === undefined) throw new Error(`${entry.name}: Secret ${ref.name} has no key ${ref.key}`);
  return value;
}

interface RenderedService {
  readonly container: IContainer;
  /** The env the process got: rendered, Secrets resolved, mount paths and ports remapped. */
  readonly env: Readonly<Record<string, string>>;
  /** The variables `adjust` changed (beyond the mount paths and ports). */
  readonly adjusted: readonly string[];
  /** Container port -> the free local port standing in for it. */
  readonly portMap: ReadonlyMap<number, number>;
  readonly service: ServiceProcess;
}

/** The variable each named container port is configured through (DESIGN.md §3). */
const portVariables: Readonly<Record<string, string>> = { grpc: 'GRPC_PORT', http: 'HTTP_PORT', ops: 'OPS_PORT' };

/**
 * Starts `<release>-<name>` as the pod would: the rendered args from the repository root
 * (the image's /app), the rendered env with Secret values resolved, each Secret volume
 * item written under `scratch` (mount paths remapped into it), and each container port
 * mapped to a free local port through the same variable. `adjust` may repoint env values
 * that name cluster peers (the database), and must say which it changed.
 */
async function startRendered(
  objects: readonly K8sObject[],
  name: string,
  scratch: string,
  adjust: (env: Record<string, string>) => void = () => undefined,
): Promise<RenderedService> {
  const spec = podSpec(findObject(objects, 'Deployment', `causeloop-${name}`));
  const container = spec.containers[0]!;
  expect(container.command).toEqual(['node']);
  expect(container.workingDir).toBe('/app');

  const mounts = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    if (volume?.secret === undefined) continue;
    const secret = findObject(objects, 'Secret', volume.secret.secretName!);
    const directory = mkdtempSync(path.join(scratch, `${name}-${mount.name}-`));
    for (const item of volume.secret.items ?? []) {
      const content = (secret['stringData'] as Record<string, string>)[item.key];
      expect(content, `${volume.secret.secretName}/${item.key}`).toBeDefined();
      writeFileSync(path.join(directory, item.path), content!, { mode: volume.secret.defaultMode ?? 0o644 });
    }
    mounts.set(mount.mountPath, directory);
  }

  const portMap = new Map<number, number>();
  for (const port of container.ports ?? []) portMap.set(port.containerPort, await findFreePort());
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    let value = resolveEnv(entry, objects);
    for (const [mountPath, local] of mounts) if (value.startsWith(`${mountPath}/`)) value = `${local}/${value.slice(mountPath.length + 1)}`;
    env[entry.name] = value;
  }
  for (const port of container.ports ?? []) {
    const variable = portVariables[port.name!];
    expect(variable, `${name}: container port ${port.name}`).toBeDefined();
    expect(env[variable!], `${name}: ${variable}`).toBe(String(port.containerPort));
    env[variable!] = String(portMap.get(port.containerPort));
  }
  const before = { ...env };
  adjust(env);
  const adjusted = [...new Set([...Object.keys(before), ...Object.keys(env)])].filter((key) => before[key] !== env[key]);

  const args = container.args!;
  const service = await startServiceProcess({ main: args.at(-1)!, execArgv: args.slice(0, -1), cwd: repositoryRoot, env });
  return { container, env, adjusted, portMap, service };
}

/**
 * Every rendered probe answers 200 on the mapped ports; gRPC health is SERVING (gRPC
 * services), `GET /openapi.json` answers 200 on the http port (the gateway).
 */
async function expectHealthy({ container, portMap, service }: RenderedService): Promise<void> {
  const grpc = container.ports!.find((p) => p.name === 'grpc')?.containerPort;
  const http = container.ports!.find((p) => p.name === 'http')?.containerPort;
  const ops = container.ports!.find((p) => p.name === 'ops')!.containerPort;
  expect(service.opsUrl).toBe(`http://127.0.0.1:${portMap.get(ops)}`);

  for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
    const get = probe!.httpGet!;
    const port = typeof get.port === 'string' ? container.ports!.find((p) => p.name === get.port)!.containerPort : get.port;
    const response = await fetch(`http://127.0.0.1:${portMap.get(port)}${get.path}`);
    expect(response.status, `${container.name}: ${get.path} on ${port}`).toBe(200);
  }

  if (http !== undefined) {
    expect(service.httpUrl).toBe(`http://127.0.0.1:${portMap.get(http)}`);
    const openapi = await fetch(`http://127.0.0.1:${portMap.get(http)}/openapi.json`);
    expect(openapi.status, `${container.name}: /openapi.json on ${http}`).toBe(200);
    expect(openapi.headers.get('content-type')).toMatch(/^application\/json/);
  }
  if (grpc === undefined) return;
  expect(service.grpcAddress).toBe(`127.0.0.1:${portMap.get(grpc)}`);
  const health = new HealthClient(`127.0.0.1:${portMap.get(grpc)}`, credentials.createInsecure());
  try {
    const status = await new Promise<string>((resolve, reject) =>
      health['check']!({ service: '' }, (error: ServiceError | null, response: { status: string }) =>
        error === null ? resolve(response.status) : reject(error),
      ),
    );
    expect(status, container.name).toBe('SERVING');
  } finally {
    health.close();
  }
}

describe.skipIf(skip)('chart contract (test/contract-values.yaml)', () => {
  let objects: K8sObject[];
  let scratch: string;
  let database: TestDatabase | undefined;
  let crypto: RenderedService;
  let auth: RenderedService;
  let gateway: RenderedService;

  beforeAll(async () => {
    // contract-values.yaml, then a fresh Ed25519 key and JWT_SECRET (nothing private committed).
    objects = renderChart({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile] });
    scratch = mkdtempSync(path.join(tmpdir(), 'causeloop-contract-'));
    database = await createTestDatabase(); // migrated, as the hook Job leaves it before services start
    const testDatabase = database;
    [crypto, auth] = await Promise.all([
      startRendered(objects, 'crypto', scratch),
      startRendered(objects, 'auth', scratch, (env) => {
        expect(env['DATABASE_URL']).toBe('postgres://causeloop_app:contract@db.example:5432/causeloop'); // the rendered app URL…
        env['DATABASE_URL'] = testDatabase.appUrl; // …pointed at the test database, same role
      }),
    ]);
    // The gateway calls auth: started once auth listens, with the one cluster address repointed.
    gateway = await startRendered(objects, 'api-gateway', scratch, (env) => {
      expect(env['AUTH_GRPC_ADDR']).toBe('dns:///causeloop-auth.causeloop.svc.cluster.local:50051'); // auth's headless Service…
      env['AUTH_GRPC_ADDR'] = `dns:///${auth.service.grpcAddress}`; // …pointed at the auth process started above
    });
  });

  afterAll(async () => {
    await Promise.all([gateway?.service.stop(), crypto?.service.stop(), auth?.service.stop()]);
    await database?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('starts crypto with the rendered settings; its probes answer 200 on the ops port and gRPC health is SERVING', async () => {
    expect(crypto.service.lines.some((line) => line['message'] === 'keyring loaded')).toBe(true);
    await expectHealthy(crypto);
  });

  it('starts auth with the rendered settings, Secrets and assertion key file; its probes answer 200 and gRPC health is SERVING', async () => {
    const { env, service } = auth;
    expect(Object.keys(env)).toEqual([
      'NODE_ENV', 'LOG_LEVEL', 'OPS_PORT', 'GRPC_PORT', 'SHUTDOWN_DRAIN_MS', 'OTEL_SERVICE_NAME', 'DATABASE_URL', 'JWT_SECRET',
      'PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE', 'ACCESS_TOKEN_TTL_SECONDS', 'REFRESH_TOKEN_TTL_SECONDS', 'REFRESH_REUSE_GRACE_SECONDS',
      'PRINCIPAL_ASSERTION_TTL_SECONDS',
    ]);
    expect(auth.adjusted).toEqual(['DATABASE_URL']);
    expect(env['NODE_ENV']).toBe('production'); // so auth enforces its production checks on what the chart gave it
    expect(env['ACCESS_TOKEN_TTL_SECONDS']).toBe('600');
    expect(env['PRINCIPAL_ASSERTION_TTL_SECONDS']).toBe('30');
    // The key file is the mounted Secret item, written like the kubelet would (mode 0440).
    const keyFile = env['PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE']!;
    expect(keyFile.startsWith(scratch)).toBe(true);
    expect(path.basename(keyFile)).toBe('private-key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o440);

    const messages = service.lines.map((line) => String(line['message']));
    expect(messages).toContain('auth service ready');
    expect(messages.some((message) => message.includes('throwaway key'))).toBe(false); // it signs with the mounted key
    const output = service.lines.map((line) => JSON.stringify(line)).join('\n');
    expect(output).not.toContain(env['JWT_SECRET']);
    await expectHealthy(auth);
  });

  it('starts the api-gateway with the rendered settings and AUTH_GRPC_ADDR pointed at auth; probes answer 200 and GET /openapi.json answers 200', async () => {
    const { env, adjusted, service } = gateway;
    expect(Object.keys(env)).toEqual([
      'NODE_ENV', 'LOG_LEVEL', 'OPS_PORT', 'HTTP_PORT', 'SHUTDOWN_DRAIN_MS', 'OTEL_SERVICE_NAME', 'TRUSTED_PROXIES',
      'RATE_LIMIT_PER_CLIENT_PER_MINUTE', 'RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE', 'AUTH_GRPC_ADDR',
    ]);
    expect(adjusted).toEqual(['AUTH_GRPC_ADDR']); // nothing else rewritten but the mapped ports
    // Every variable but the OpenTelemetry SDK's own is one the gateway's config reads (no typos, no leftovers).
    const read = (file: string, from = 0) => readFileSync(path.join(repositoryRoot, file), 'utf8').slice(from);
    const base = read('packages/platform/src/config/base-config.ts');
    const baseSchema = base.slice(base.indexOf('export const baseConfigSchema'), base.indexOf('};', base.indexOf('export const baseConfigSchema')));
    const configNames = [...`${baseSchema}\n${read('services/api-gateway/src/config.ts')}`.matchAll(/env\.\w+\('([A-Z0-9_]+)'/g)].map((m) => m[1]);
    expect(configNames).toContain('AUTH_GRPC_ADDR');
    expect(Object.keys(env).filter((name) => !configNames.includes(name))).toEqual(['OTEL_SERVICE_NAME']);
    expect(env['TRUSTED_PROXIES']).toBe('10.0.0.0/8,192.168.1.10');
    expect(env['RATE_LIMIT_PER_CLIENT_PER_MINUTE']).toBe('500');
    expect(env['RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE']).toBe('300');
    expect(service.lines.map((line) => String(line['message']))).toContain('api-gateway ready');
    await expectHealthy(gateway); // /ready is 200 only while auth answers over gRPC
  });

  it('passes the helm test pod command against them', async () => {
    const pod = findObject(objects, 'Pod', 'causeloop-test-ready');
    const [testContainer] = (pod['spec'] as IPodSpec).containers;
    const opsUrls: Record<string, string> = { crypto: crypto.service.opsUrl, auth: auth.service.opsUrl, 'api-gateway': gateway.service.opsUrl };
    const args = testContainer!.args!.map((arg) =>
      arg.replace(/^http:\/\/causeloop-([a-z-]+)\.causeloop\.svc\.cluster\.local:9090/, (whole, name: string) => opsUrls[name] ?? whole),
    );
    expect(args.filter((a) => a.startsWith('http'))).toEqual([
      `${gateway.service.opsUrl}/ready`, `${auth.service.opsUrl}/ready`, `${crypto.service.opsUrl}/ready`,
    ]);
    const { stdout } = await run(process.execPath, args, { cwd: repositoryRoot });
    expect(stdout).toContain(`ok   ${gateway.service.opsUrl}/ready`);
    expect(stdout).toContain(`ok   ${auth.service.opsUrl}/ready`);
    expect(stdout).toContain(`ok   ${crypto.service.opsUrl}/ready`);
  });

  it('migrates a fresh database with the migration Job command and the owner URL', async () => {
    const job = findObject(objects, 'Job', 'causeloop-migrate');
    const jobContainer = (job['spec'] as { template: { spec: IPodSpec } }).template.spec.containers[0]!;
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const entry of jobContainer.env ?? []) env[entry.name] = resolveEnv(entry, objects);
      expect(env['DATABASE_OWNER_URL']).toMatch(/^postgres:\/\/causeloop_owner:/); // the rendered owner URL…
      env['DATABASE_OWNER_URL'] = fresh.ownerUrl; // …pointed at the test database
      expect(jobContainer.command).toEqual(['node']);
      const { stdout } = await run(process.execPath, jobContainer.args!, { cwd: repositoryRoot, env });
      expect(stdout).toContain('"message":"migrations applied"');
    } finally {
      await fresh.drop();
    }
  });
});
