import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAssertionKeyPair, generateOperatorToken } from '@causeloop/platform/identity';
import { serviceNodeOptions, type ServiceProcess } from '@causeloop/platform/service-process';
import {
  bearer,
  createTestDatabase,
  gatewayOverHttp,
  seedMember,
  seedUser,
  seedWorkspace,
  signIn,
  startAuthProcess,
  startCryptoProcess,
  startGatewayProcess,
  startInsightsProcess,
  startTenancyProcess,
  type ProcessOverrides,
  type TestDatabase,
} from '@causeloop/platform/testing';

// Every service as a real process, started with the node options pods use, twice: without
// an exporter (no OpenTelemetry SDK or instrumentation may load) and exporting to a local
// OTLP/JSON receiver (one request must give one trace across the processes).

const probe = path.join(import.meta.dirname, 'support/opentelemetry-module-probe.mjs');
const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpan = '00f067aa0ba902b7';

interface Stack {
  readonly processes: Record<'crypto' | 'auth' | 'tenancy' | 'insights' | 'api-gateway', ServiceProcess>;
  readonly workspaceId: string;
  readonly email: string;
  stop(): Promise<void>;
}

/** The five services over `database`, each with `overrides(name)` on top. */
async function startStack(database: TestDatabase, overrides: (name: string) => ProcessOverrides): Promise<Stack> {
  const keys = await generateAssertionKeyPair();
  const owner = database.pool({ applicationName: 'tracing-test-seed', max: 1, role: 'owner' });
  const email = `owner-${Math.random().toString(36).slice(2)}@tracing.test`;
  const workspaceId = await seedWorkspace(owner, 'Tracing test');
  await seedMember(owner, workspaceId, await seedUser(database, { email }), 'owner');
  await owner.end();
  const started: ServiceProcess[] = [];
  const adopt = (process: ServiceProcess): ServiceProcess => (started.push(process), process);
  try {
    const crypto = adopt(await startCryptoProcess(overrides('crypto')));
    const auth = adopt(
      await startAuthProcess({ databaseUrl: database.appUrl, assertionPrivateKeyPem: keys.privateKeyPem, ...overrides('auth') }),
    );
    const backend = { databaseUrl: database.appUrl, authAddress: auth.grpcAddress, assertionPublicKeyPem: keys.publicKeyPem };
    const tenancy = adopt(
      await startTenancyProcess({
        ...backend,
        cryptoAddress: crypto.grpcAddress,
        operatorTokenSha256: generateOperatorToken().sha256,
        ...overrides('tenancy'),
      }),
    );
    const insights = adopt(await startInsightsProcess({ ...backend, ...overrides('insights') }));
    const gateway = adopt(
      await startGatewayProcess({
        databaseUrl: database.appUrl,
        authAddress: auth.grpcAddress,
        tenancyAddress: tenancy.grpcAddress,
        insightsAddress: insights.grpcAddress,
        ...overrides('api-gateway'),
      }),
    );
    return {
      processes: { crypto, auth, tenancy, insights, 'api-gateway': gateway },
      workspaceId,
      email,
      stop: async () => void (await Promise.all(started.map((process) => process.stop()))),
    };
  } catch (error) {
    await Promise.all(started.map((process) => process.stop()));
    throw error;
  }
}

/** A tenant read through the gateway, inside the caller's trace. */
async function readWorkspace(stack: Stack): Promise<void> {
  const gateway = gatewayOverHttp(stack.processes['api-gateway'].httpUrl!);
  const token = await signIn(gateway, stack.email);
  const response = await gateway.inject({
    method: 'GET',
    url: `/v1/workspaces/${stack.workspaceId}`,
    headers: { ...bearer(token), traceparent: `00-${callerTrace}-${callerSpan}-01` },
  });
  expect(response.statusCode).toBe(200);
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('tracing off (no exporter configured)', () => {
  let stack: Stack;
  let probeDirectory: string;
  const probeFile = (name: string) => path.join(probeDirectory, `${name}.txt`);

  beforeAll(async () => {
    probeDirectory = await mkdtemp(path.join(tmpdir(), 'causeloop-otel-probe-'));
    stack = await startStack(database, (name) => ({
      env: { MODULE_PROBE_FILE: probeFile(name) },
      execArgv: ['--import', probe, ...serviceNodeOptions],
    }));
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(probeDirectory, { recursive: true, force: true });
  });

  it('loads no OpenTelemetry SDK or instrumentation in any service, even after serving a request', async () => {
    await readWorkspace(stack);
    for (const name of Object.keys(stack.processes)) {
      const loaded = await readFile(probeFile(name), 'utf8').catch(() => '');
      const packages = new Set(loaded.split('\n').flatMap((url) => /\/node_modules\/(@opentelemetry\/[^/]+)\//.exec(url)?.[1] ?? []));
      expect([...packages].filter((name) => /instrumentation|sdk-/.test(name)), name).toEqual([]);
      // The probe works: every service does load the API it propagates context with.
      expect(packages.has('@opentelemetry/api'), name).toBe(true);
    }
  });
});

interface ExportedSpan {
  readonly service: string;
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
}

/** A stand-in for an OpenTelemetry collector: takes OTLP/HTTP JSON trace exports and keeps the spans. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      spans.push(...spansOf(JSON.parse(body)));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: Omit<ExportedSpan, 'service'>[] }[];
  }[];
}

function spansOf(payload: OtlpExport): ExportedSpan[] {
  return (payload.resourceSpans ?? []).flatMap((resource) => {
    const service = resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
    return (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => ({ ...span, service })));
  });
}

describe('tracing on (an OTLP endpoint configured)', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack(database, (name) => ({
      env: {
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    }));
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('gives one request one trace: the gateway’s edge span, its calls to auth and tenancy, their server spans and queries', async () => {
    await readWorkspace(stack);
    const find = (service: string, name: string, kind: number) =>
      receiver.spans.find((span) => span.traceId === callerTrace && span.service === service && span.name === name && span.kind === kind);
    const server = 2;
    const client = 3;
    // Each process exports on its own schedule; the edge span ends last, once the answer is sent.
    await expect.poll(() => find('api-gateway', 'GET /v1/workspaces/:workspace_id', server), { timeout: 10_000 }).toBeDefined();
    const edge = find('api-gateway', 'GET /v1/workspaces/:workspace_id', server);
    expect(edge?.parentSpanId).toBe(callerSpan);
    for (const [service, rpc] of [
      ['auth', 'causeloop.auth.v1.AuthService/Authenticate'],
      ['tenancy', 'causeloop.tenancy.v1.WorkspaceService/GetWorkspace'],
    ] as const) {
      const call = find('api-gateway', rpc, client);
      expect(call?.parentSpanId, rpc).toBe(edge?.spanId);
      await expect.poll(() => find(service, rpc, server)?.parentSpanId, { timeout: 10_000 }).toBe(call?.spanId);
    }
    const served = find('tenancy', 'causeloop.tenancy.v1.WorkspaceService/GetWorkspace', server);
    const queries = receiver.spans.filter((span) => span.service === 'tenancy' && span.traceId === callerTrace && span.kind === client);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.some((span) => span.parentSpanId === served?.spanId)).toBe(true);
  });
});
