// The chart contract: start each rendered service (crypto, auth, tenancy, insights, api-gateway)
// locally with exactly the command, env, mounted files and ports the chart renders, and
// check the rendered probes, gRPC health and the gateway's HTTP port answer; run the
// migration Job's command against a fresh database.
import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { createTestDatabase, findFreePort, runServiceProcessToExit, startServiceProcess, type ServiceProcess, type TestDatabase } from '@causeloop/platform/testing';
import type { IContainer, IEnvVar, IPodSpec } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findObject, generatedSecretsValuesFile, renderChart, repositoryRoot, reportMissingHelm, type K8sObject } from './helm.js';

const run = promisify(execFile);
const skip = reportMissingHelm('chart contract tests (charts/causeloop/test/contract.test.ts)', [
  'crypto starts with the rendered command, env, KEK file and ports; probes answer 200; gRPC health SERVING',
  'auth starts with the rendered command, env, Secrets, assertion key file, a fresh database and ports; probes answer 200; gRPC health SERVING',
  'tenancy starts with the rendered command, env, Secrets, a fresh database and ports; probes answer 200; gRPC health SERVING',
  'insights starts with the rendered command, env, Secrets, a fresh database and ports; probes answer 200; gRPC health SERVING',
  'insights starts with provider openai and its key from the rendered Secret, and refuses to start without that key',
  'the api-gateway starts with the rendered command, env, database and ports (auth, tenancy and insights addresses pointed at them); probes answer 200; GET /openapi.json answers 200 with the insights routes',
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
const portVariables: Readonly<Record<string, string>> = { grpc: 'GRPC_PORT', http: 'HTTP_PORT', https: 'HTTPS_PORT', ops: 'OPS_PORT' };

/**
 * The variables a service's config reads: `env.<kind>('NAME'` inside the named schemas of
 * the platform's config/ files, and anywhere in the service's own config files.
 */
function configVariables(platformSchemas: readonly string[], serviceFiles: readonly string[]): string[] {
  const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');
  const configDirectory = 'packages/platform/src/config';
  const base = readdirSync(path.join(repositoryRoot, configDirectory))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => read(`${configDirectory}/${file}`))
    .join('\n');
  const sources = platformSchemas.map((name) => {
    const start = base.indexOf(`export const ${name} = {`);
    expect(start, name).toBeGreaterThanOrEqual(0);
    return base.slice(start, base.indexOf('};', start));
  });
  return [...[...sources, ...serviceFiles.map(read)].join('\n').matchAll(/env\.\w+\('([A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

/** The variables insights' config reads: the platform schemas it spreads, its own and the LLM's. */
const insightsConfigNames = (): string[] =>
  configVariables(
    ['baseConfigSchema', 'grpcServerConfigSchema', 'databaseConfigSchema', 'backendKeysConfigSchema', 'leaderElectionConfigSchema'],
    ['services/insights/src/config.ts', 'services/insights/src/llm/llm-config.ts'],
  );

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
  let tenancy: RenderedService;
  let insights: RenderedService;
  let gateway: RenderedService;

  beforeAll(async () => {
    // contract-values.yaml, then a fresh Ed25519 key and JWT_SECRET (nothing private committed).
    objects = renderChart({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile] });
    scratch = mkdtempSync(path.join(tmpdir(), 'causeloop-contract-'));
    database = await createTestDatabase(); // migrated, as the hook Job leaves it before services start
    const testDatabase = database;
    const useTestDatabase = (env: Record<string, string>) => {
      expect(env['DATABASE_URL']).toBe('postgres://causeloop_app:contract@db.example:5432/causeloop'); // the rendered app URL…
      env['DATABASE_URL'] = testDatabase.appUrl; // …pointed at the test database, same role
    };
    /** Repoints `<NAME>_GRPC_ADDR` from the callee's headless Service to its process started here. */
    const useStarted = (env: Record<string, string>, name: string, callee: RenderedService) => {
      const variable = `${name.toUpperCase()}_GRPC_ADDR`;
      expect(env[variable]).toBe(`dns:///causeloop-${name}.causeloop.svc.cluster.local:50051`);
      env[variable] = `dns:///${callee.service.grpcAddress}`;
    };
    [crypto, auth] = await Promise.all([startRendered(objects, 'crypto', scratch), startRendered(objects, 'auth', scratch, useTestDatabase)]);
    // Callers start once their callees listen, with only the cluster addresses repointed.
    /**
     * The chart forces the Lease (LEADER_ELECTION=kubernetes) on the pods it gives one; no API
     * server runs here, so these take the advisory lock instead. The Lease path itself runs
     * against the fake Lease API server in packages/platform/test/leader.
     */
    const withoutApiServer = (env: Record<string, string>, name: string) => {
      expect(env['LEADER_ELECTION']).toBe('kubernetes');
      expect(env['LEADER_ELECTION_LEASE']).toBe(`causeloop-${name}`);
      env['LEADER_ELECTION'] = 'postgres';
    };
    [tenancy, insights] = await Promise.all([
      startRendered(objects, 'tenancy', scratch, (env) => {
        useTestDatabase(env);
        useStarted(env, 'auth', auth);
        useStarted(env, 'crypto', crypto);
        withoutApiServer(env, 'tenancy');
      }),
      startRendered(objects, 'insights', scratch, (env) => {
        useTestDatabase(env);
        useStarted(env, 'auth', auth);
        withoutApiServer(env, 'insights');
      }),
    ]);
    gateway = await startRendered(objects, 'api-gateway', scratch, (env) => {
      useTestDatabase(env);
      useStarted(env, 'auth', auth);
      useStarted(env, 'tenancy', tenancy);
      useStarted(env, 'insights', insights);
    });
  });

  afterAll(async () => {
    await Promise.all([gateway?.service.stop(), tenancy?.service.stop(), insights?.service.stop()]);
    await Promise.all([crypto?.service.stop(), auth?.service.stop()]);
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

  it('starts tenancy with the rendered settings, Secrets and assertion public key; its probes answer 200 and gRPC health is SERVING', async () => {
    const { env, adjusted, service } = tenancy;
    expect(Object.keys(env)).toEqual([
      'NODE_ENV', 'LOG_LEVEL', 'OPS_PORT', 'GRPC_PORT', 'SHUTDOWN_DRAIN_MS', 'OTEL_SERVICE_NAME', 'DATABASE_URL',
      'PRINCIPAL_ASSERTION_PUBLIC_KEY', 'OPERATOR_TOKEN_SHA256', 'RETENTION_PURGE_INTERVAL_MS', 'CURSOR_SIGNING_KEY',
      'GOVERNANCE_SIGNING_KEY', 'LEADER_ELECTION', 'LEADER_ELECTION_LEASE', 'LEADER_ELECTION_LEASE_DURATION_MS',
      'LEADER_ELECTION_RENEW_INTERVAL_MS', 'AUTH_GRPC_ADDR', 'CRYPTO_GRPC_ADDR',
    ]);
    expect(adjusted).toEqual(['DATABASE_URL', 'LEADER_ELECTION', 'AUTH_GRPC_ADDR', 'CRYPTO_GRPC_ADDR']);
    const configNames = configVariables(
      ['baseConfigSchema', 'grpcServerConfigSchema', 'databaseConfigSchema', 'backendKeysConfigSchema', 'leaderElectionConfigSchema'],
      ['services/tenancy/src/config.ts', 'services/tenancy/src/certificates/signing-key.ts'],
    );
    expect(Object.keys(env).filter((name) => !configNames.includes(name))).toEqual(['OTEL_SERVICE_NAME']);
    expect(env['NODE_ENV']).toBe('production'); // so tenancy enforces its production checks on what the chart gave it
    expect(env['OPERATOR_TOKEN_SHA256']).toBe('5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef');
    expect(env['RETENTION_PURGE_INTERVAL_MS']).toBe('600000');
    expect([env['LEADER_ELECTION_LEASE_DURATION_MS'], env['LEADER_ELECTION_RENEW_INTERVAL_MS']]).toEqual(['12000', '4000']);
    // The public key in the Secret is the half of auth's private key (which auth's mounted file holds).
    const privateKeyPem = readFileSync(auth.env['PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE']!, 'utf8');
    expect(createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' })).toBe(env['PRINCIPAL_ASSERTION_PUBLIC_KEY']);

    const messages = service.lines.map((line) => String(line['message']));
    expect(messages).toContain('tenancy service ready');
    // Under production it started with real keys: no per-replica cursor key, no development governance key.
    expect(messages.some((message) => message.includes('CURSOR_SIGNING_KEY') || message.includes('GOVERNANCE_SIGNING_KEY'))).toBe(false);
    const output = service.lines.map((line) => JSON.stringify(line)).join('\n');
    expect(output).not.toContain(env['CURSOR_SIGNING_KEY']);
    expect(output).not.toContain('PRIVATE KEY');
    await expectHealthy(tenancy);
  });

  it('starts insights with the rendered settings, its cursor key Secret and the assertion public key; its probes answer 200 and gRPC health is SERVING', async () => {
    const { env, adjusted, service } = insights;
    expect(Object.keys(env)).toEqual([
      'NODE_ENV', 'LOG_LEVEL', 'OPS_PORT', 'GRPC_PORT', 'SHUTDOWN_DRAIN_MS', 'OTEL_SERVICE_NAME', 'DATABASE_URL',
      'PRINCIPAL_ASSERTION_PUBLIC_KEY', 'INSIGHTS_MINER_MAX_CLUSTERS', 'INSIGHTS_MINER_CACHE_WORKSPACES', 'PREDICTION_INTERVAL_MS',
      'PREDICTION_GRACE_MS', 'JOB_WORKER_CONCURRENCY', 'JOB_LEASE_MS', 'JOB_POLL_INTERVAL_MS', 'CURSOR_SIGNING_KEY', 'LLM_PROVIDER',
      'LLM_TIMEOUT_MS', 'LLM_MAX_RETRIES', 'LLM_MAX_OUTPUT_TOKENS', 'LLM_WORKSPACE_CONCURRENCY', 'LEADER_ELECTION', 'LEADER_ELECTION_LEASE',
      'LEADER_ELECTION_LEASE_DURATION_MS', 'LEADER_ELECTION_RENEW_INTERVAL_MS', 'AUTH_GRPC_ADDR',
    ]);
    expect(adjusted).toEqual(['DATABASE_URL', 'LEADER_ELECTION', 'AUTH_GRPC_ADDR']);
    // Every variable but the OpenTelemetry SDK's own is one insights' config reads (no typos, no leftovers).
    expect(Object.keys(env).filter((name) => !insightsConfigNames().includes(name))).toEqual(['OTEL_SERVICE_NAME']);
    // And the other way round (DESIGN §9): every variable it reads is rendered, or is one of these,
    // so a variable added to insights fails here until the chart exposes it.
    const renderedElsewhere = [
      'GRPC_HOST', // the service's 0.0.0.0 suits every pod
      'DATABASE_POOL_MAX', // the service's default; no chart value yet (components.insights.env can set it)
      'PRINCIPAL_ASSERTION_PUBLIC_KEY_FILE', // the chart passes the key itself
      'KUBERNETES_SERVICE_HOST', 'POD_NAMESPACE', // the kubelet's; the token's namespace file
      'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', // with their provider only (below, chart.test.ts)
      'LLM_MODEL_FAST', 'LLM_MODEL_BALANCED', 'LLM_MODEL_DEEP', // when set (below, chart.test.ts)
    ];
    expect(insightsConfigNames().filter((name) => !(name in env) && !renderedElsewhere.includes(name))).toEqual([]);
    expect(env['INSIGHTS_MINER_MAX_CLUSTERS']).toBe('2000');
    // The values of contract-values.yaml, none of them the service's default, so a dropped variable shows.
    expect(env).toMatchObject({
      PREDICTION_INTERVAL_MS: '1800000', PREDICTION_GRACE_MS: '600000', JOB_WORKER_CONCURRENCY: '4', JOB_LEASE_MS: '20000',
      JOB_POLL_INTERVAL_MS: '500', LLM_PROVIDER: 'offline', LLM_TIMEOUT_MS: '20000', LLM_MAX_RETRIES: '0', LLM_MAX_OUTPUT_TOKENS: '1500',
      LLM_WORKSPACE_CONCURRENCY: '3', LEADER_ELECTION_LEASE_DURATION_MS: '12000', LEADER_ELECTION_RENEW_INTERVAL_MS: '4000',
    });
    expect(env['NODE_ENV']).toBe('production'); // so insights enforces its production checks on what the chart gave it
    // The public key in the Secret is the half of auth's private key, as tenancy's is.
    expect(env['PRINCIPAL_ASSERTION_PUBLIC_KEY']).toBe(tenancy.env['PRINCIPAL_ASSERTION_PUBLIC_KEY']);
    expect(Buffer.byteLength(env['CURSOR_SIGNING_KEY']!)).toBeGreaterThanOrEqual(32);

    const output = service.lines.map((line) => JSON.stringify(line)).join('\n');
    expect(output).not.toContain(env['CURSOR_SIGNING_KEY']);
    expect(service.lines.some((line) => String(line['message']).includes('CURSOR_SIGNING_KEY'))).toBe(false); // no throwaway-key warning
    // It took the settings: the offline provider (no key anywhere in its env), the leader election it was given.
    expect(service.lines.find((line) => line['message'] === 'insights service ready')?.['llm_provider']).toBe('offline');
    expect(Object.keys(env).some((name) => name.endsWith('_API_KEY'))).toBe(false);
    await expectHealthy(insights);
  });

  it('starts insights with provider openai and its key from the rendered Secret, and refuses to start without that key', async () => {
    // The same values with provider openai: the key goes into the chart's Secret, a base URL
    // (nothing listens there; no provider call is made at start) into the env.
    const apiKey = `sk-contract-${randomBytes(24).toString('hex')}`;
    const baseUrl = `http://127.0.0.1:${await findFreePort()}/v1`;
    const rendered = renderChart({
      valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile],
      set: ['insights.llm.provider=openai', `insights.secrets.openAiApiKey=${apiKey}`, `insights.llm.openAiBaseUrl=${baseUrl}`, 'insights.llm.models.fast=gpt-contract-mini'],
    });
    const repoint = (env: Record<string, string>) => {
      env['DATABASE_URL'] = database!.appUrl;
      env['AUTH_GRPC_ADDR'] = `dns:///${auth.service.grpcAddress}`;
      env['LEADER_ELECTION'] = 'postgres'; // no API server here (as above)
    };
    const openai = await startRendered(rendered, 'insights', scratch, repoint);
    try {
      expect(openai.env).toMatchObject({ LLM_PROVIDER: 'openai', OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl, LLM_MODEL_FAST: 'gpt-contract-mini' });
      expect(Object.keys(openai.env).filter((name) => !insightsConfigNames().includes(name))).toEqual(['OTEL_SERVICE_NAME']);
      const ready = openai.service.lines.find((line) => line['message'] === 'insights service ready');
      expect(ready?.['llm_provider']).toBe('openai');
      expect(openai.service.lines.map((line) => JSON.stringify(line)).join('\n')).not.toContain(apiKey);
      await expectHealthy(openai);
    } finally {
      await openai.service.stop();
    }
    // Without the key (a Secret missing it, were the kubelet to start the pod anyway) insights refuses,
    // naming the variable: the chart's own refusal to render such values mirrors this.
    const container = podSpec(findObject(rendered, 'Deployment', 'causeloop-insights')).containers[0]!;
    const env: Record<string, string> = { ...openai.env };
    delete env['OPENAI_API_KEY'];
    const refused = await runServiceProcessToExit({ main: container.args!.at(-1)!, execArgv: container.args!.slice(0, -1), cwd: repositoryRoot, env });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('OPENAI_API_KEY');
    expect(refused.output).toContain('is required with LLM_PROVIDER=openai');
  });

  it('starts the api-gateway with the rendered settings and database, auth, tenancy and insights pointed at theirs; probes answer 200 and GET /openapi.json answers 200', async () => {
    const { env, adjusted, service } = gateway;
    expect(Object.keys(env)).toEqual([
      'NODE_ENV', 'LOG_LEVEL', 'OPS_PORT', 'HTTP_PORT', 'SHUTDOWN_DRAIN_MS', 'OTEL_SERVICE_NAME', 'DATABASE_URL', 'TRUSTED_PROXIES',
      'CORS_ORIGINS', 'RATE_LIMIT_PER_CLIENT_PER_MINUTE', 'RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE', 'AUTH_GRPC_ADDR', 'TENANCY_GRPC_ADDR',
      'INSIGHTS_GRPC_ADDR',
    ]);
    expect(adjusted).toEqual(['DATABASE_URL', 'AUTH_GRPC_ADDR', 'TENANCY_GRPC_ADDR', 'INSIGHTS_GRPC_ADDR']); // nothing else rewritten but the mapped ports
    // Every variable but the OpenTelemetry SDK's own is one the gateway's config reads (no typos, no leftovers).
    const configNames = configVariables(['baseConfigSchema', 'databaseConfigSchema'], ['services/api-gateway/src/config.ts']);
    expect(configNames).toEqual(expect.arrayContaining(['AUTH_GRPC_ADDR', 'TENANCY_GRPC_ADDR', 'INSIGHTS_GRPC_ADDR']));
    expect(Object.keys(env).filter((name) => !configNames.includes(name))).toEqual(['OTEL_SERVICE_NAME']);
    expect(env['TRUSTED_PROXIES']).toBe('10.0.0.0/8,192.168.1.10');
    expect(env['CORS_ORIGINS']).toBe('https://app.example.com,http://localhost:3000');
    expect(env['RATE_LIMIT_PER_CLIENT_PER_MINUTE']).toBe('500');
    expect(env['RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE']).toBe('300');
    expect(service.lines.map((line) => String(line['message']))).toContain('api-gateway ready');
    await expectHealthy(gateway); // /ready is 200 only while auth answers over gRPC
    // It fronts insights: the ingest, issue and pattern routes are in its document.
    const document = (await (await fetch(`${service.httpUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/ingest/batch', '/v1/issues', '/v1/patterns/{pattern_id}/merge']));
  });

  it('passes the helm test pod command against them', async () => {
    const pod = findObject(objects, 'Pod', 'causeloop-test-ready');
    const [testContainer] = (pod['spec'] as IPodSpec).containers;
    const opsUrls: Record<string, string> = {
      crypto: crypto.service.opsUrl, auth: auth.service.opsUrl, tenancy: tenancy.service.opsUrl, insights: insights.service.opsUrl,
      'api-gateway': gateway.service.opsUrl,
    };
    const args = testContainer!.args!.map((arg) =>
      arg.replace(/^http:\/\/causeloop-([a-z-]+)\.causeloop\.svc\.cluster\.local:9090/, (whole, name: string) => opsUrls[name] ?? whole),
    );
    const urls = [gateway, auth, crypto, insights, tenancy].map(({ service }) => `${service.opsUrl}/ready`);
    expect(args.filter((a) => a.startsWith('http'))).toEqual(urls);
    const { stdout } = await run(process.execPath, args, { cwd: repositoryRoot });
    for (const url of urls) expect(stdout).toContain(`ok   ${url}`);
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
