import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { uuidv7 } from 'uuidv7';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createPool, withClient, withTenant } from '@causeloop/platform/db';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { generateAssertionKeyPair, principalAssertionHeader } from '@causeloop/platform/identity';
import { startServiceProcess } from '@causeloop/platform/service-process';
import { withBenchDatabase } from './bench-database.js';
import { report, summarize, type Measurement } from './measure.js';

const concurrency = 32;
/** Every path runs this long before any is measured, so no row pays the others' JIT warm-up. */
const warmupMs = 1_500;
/** Run again just before a path's measured window, to refill connections and caches. */
const settleMs = 500;
const durationMs = 4_000;
/** Issue 5: the gateway path keeps at least this share of the direct call's throughput. */
const targetRatio = 0.6;
const workspaceId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const authMain = path.join(repositoryRoot, 'services/auth/dist/main.js');
const gatewayMain = path.join(repositoryRoot, 'services/api-gateway/dist/main.js');
const helloWorldMain = path.join(import.meta.dirname, 'hello-world-server.js');

/**
 * What the HTTP API costs over calling the backend directly: an authenticated GET through
 * the real api-gateway process (rate limits, cached Authenticate, JSON mapping, one gRPC
 * hop carrying the principal assertion) against the same RPC called over gRPC from here
 * with the same assertion, and against a bare fastify hello-world process (an HTTP hop's
 * ceiling). Load: `concurrency` requests in flight over keep-alive connections for a
 * fixed time, after every path has been warmed up. The warm-up fills the gateway's
 * authenticator cache, so what is measured is the steady state of a client reusing its
 * token. CPU per request of each process shows where the time goes.
 */
export async function benchGateway(): Promise<void> {
  await withBenchDatabase(async ({ ownerUrl, appUrl }) => {
    await seedAnalyst(ownerUrl, appUrl);
    const auth = await startServiceProcess({
      main: authMain,
      cwd: repositoryRoot,
      // Development mode lets `dev:<email>` sign the bench user in without an IdP.
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DATABASE_URL: appUrl,
        DATABASE_POOL_MAX: String(concurrency),
        PRINCIPAL_ASSERTION_PRIVATE_KEY: (await generateAssertionKeyPair()).privateKeyPem,
      },
      keepLines: false,
    });
    const gateway = await startServiceProcess({
      main: gatewayMain,
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        AUTH_GRPC_ADDR: auth.grpcAddress,
        // Idempotency keys (POST/PATCH only; a GET never touches them).
        DATABASE_URL: appUrl,
        // The bench is one client and one principal: the default limits would make it measure 429s.
        RATE_LIMIT_PER_CLIENT_PER_MINUTE: '1000000',
        RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE: '1000000',
      },
      keepLines: false,
    });
    const helloWorld = await startHelloWorld();
    const client = createGrpcClient(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 30_000 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    try {
      const { accessToken } = await client.exchangeToken({ subjectToken: 'dev:bench@example.com' });
      // What an API client would hold: a personal access token that may only read tokens.
      const { secret } = await client.createPersonalAccessToken(
        { name: 'gateway bench', scopes: ['tokens:read'] },
        { metadata: { authorization: `Bearer ${accessToken}` } },
      );
      const httpGet = (url: string, headers: http.OutgoingHttpHeaders = {}) => get(agent, url, headers);
      const bearer = { authorization: `Bearer ${secret}` };
      const tokensUrl = `${gateway.httpUrl!}/v1/api-tokens`;
      const scopesUrl = `${gateway.httpUrl!}/v1/api-tokens/scopes`;
      await assertSameAnswer(client, secret, () => httpGet(tokensUrl, bearer));

      const services = [cpuFromMetrics('api-gateway', gateway.opsUrl), cpuFromMetrics('auth', auth.opsUrl), ownCpu];
      const directCall = (call: (metadata: Record<string, string>) => Promise<unknown>) => async () => {
        const metadata = await forwardedMetadata(client, secret);
        return () => call(metadata);
      };
      const cases = {
        listTokensDirect: {
          label: 'direct gRPC ListPersonalAccessTokens',
          probes: services,
          prepare: directCall((metadata) => client.listPersonalAccessTokens({}, { metadata })),
        },
        listTokensGateway: { label: 'gateway GET /v1/api-tokens', probes: services, prepare: async () => () => httpGet(tokensUrl, bearer) },
        hello: {
          label: 'bare fastify hello-world (own process)',
          probes: [helloWorld.cpu, ownCpu],
          prepare: async () => () => httpGet(`${helloWorld.url}/hello`),
        },
        listScopesDirect: {
          label: 'direct gRPC ListScopes',
          probes: services,
          prepare: directCall((metadata) => client.listScopes({}, { metadata })),
        },
        listScopesGateway: {
          label: 'gateway GET /v1/api-tokens/scopes',
          probes: services,
          prepare: async () => () => httpGet(scopesUrl, bearer),
        },
      } satisfies Record<string, Case>;
      for (const { prepare } of Object.values(cases)) await runFor(warmupMs, await prepare());
      const listTokensDirect = await measureFor(cases.listTokensDirect);
      const listTokensGateway = await measureFor(cases.listTokensGateway);
      const hello = await measureFor(cases.hello);
      const listScopesDirect = await measureFor(cases.listScopesDirect);
      const listScopesGateway = await measureFor(cases.listScopesGateway);

      const load = `${concurrency} in flight, keep-alive, ${durationMs / 1000} s each after a warm-up of every path`;
      report(`Gateway, PAT-authenticated GET of a tenant read (PostgreSQL) vs the same RPC over gRPC (${load})`, listTokensDirect.measurement, [
        listTokensGateway.measurement,
        hello.measurement,
      ]);
      printTarget(listTokensGateway.measurement, listTokensDirect.measurement);
      report(`Gateway, PAT-authenticated GET of a database-free RPC vs the same RPC over gRPC (${load})`, listScopesDirect.measurement, [
        listScopesGateway.measurement,
      ]);
      printTarget(listScopesGateway.measurement, listScopesDirect.measurement);
      // Where the time goes: CPU each process spent per request in the measured window.
      console.log('\n  CPU per request (process_cpu_seconds_total of each process over the measured window)');
      for (const run of [listTokensDirect, listTokensGateway, hello, listScopesDirect, listScopesGateway]) printCpu(run);
    } finally {
      agent.destroy();
      client.close();
      await helloWorld.stop();
      await gateway.stop();
      await auth.stop();
    }
  });
}

/** A user with the analyst role (it may create its own tokens) in one workspace. */
async function seedAnalyst(ownerUrl: string, appUrl: string): Promise<void> {
  const userId = uuidv7();
  await withClient(ownerUrl, (client) =>
    client.query(`insert into users (id, email, display_name) values ($1, 'bench@example.com', 'Bench')`, [userId]),
  );
  const pool = createPool({ connectionString: appUrl, applicationName: 'bench', max: 1 });
  try {
    await withTenant(pool, workspaceId, async (client) => {
      await client.query(`insert into workspaces (id, name) values ($1, 'Bench')`, [workspaceId]);
      await client.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'analyst')`, [
        workspaceId,
        userId,
      ]);
    });
  } finally {
    await pool.end();
  }
}

/**
 * The metadata the gateway forwards for this token: its principal assertion, fetched
 * once per measurement as the gateway's warm cache holds it (it lives 60 s; a
 * measurement lasts a few).
 */
async function forwardedMetadata(client: GrpcClient<typeof AuthService>, token: string): Promise<Record<string, string>> {
  const { assertion } = await client.authenticate({ token });
  return { [principalAssertionHeader]: assertion };
}

/** Both paths must serve the same answer, or the comparison means nothing (a 401 is fast). */
async function assertSameAnswer(client: GrpcClient<typeof AuthService>, token: string, viaGateway: () => Promise<string>): Promise<void> {
  const direct = await client.listPersonalAccessTokens({}, { metadata: await forwardedMetadata(client, token) });
  const { data } = JSON.parse(await viaGateway()) as { data?: { id?: unknown }[] };
  const gatewayIds = (data ?? []).map((entry) => entry.id);
  const directIds = direct.data.map((entry) => entry.id);
  if (directIds.length === 0 || JSON.stringify(gatewayIds) !== JSON.stringify(directIds)) {
    throw new Error(`the gateway listed ${JSON.stringify(gatewayIds)}, the direct call ${JSON.stringify(directIds)}`);
  }
}

/** CPU seconds a process has used so far. */
interface CpuProbe {
  readonly name: string;
  seconds(): Promise<number>;
}

/** A service's own count, from the default process metrics on its ops `/metrics`. */
function cpuFromMetrics(name: string, opsUrl: string): CpuProbe {
  return {
    name,
    async seconds() {
      const text = await (await fetch(`${opsUrl}/metrics`)).text();
      const value = /^process_cpu_seconds_total(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1];
      if (value === undefined) throw new Error(`${name} exports no process_cpu_seconds_total`);
      return Number(value);
    },
  };
}

/** This process: the load generator (for direct calls also the gRPC client), and draining the services' log pipes. */
const ownCpu: CpuProbe = {
  name: 'bench client',
  seconds: async () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
};

/** One path to measure: `prepare` gives the operation (fresh credentials) and runs before each use. */
interface Case {
  readonly label: string;
  readonly probes: readonly CpuProbe[];
  readonly prepare: () => Promise<() => Promise<unknown>>;
}

interface Run {
  readonly measurement: Measurement;
  readonly cpuMsPerRequest: readonly { readonly name: string; readonly ms: number }[];
}

/**
 * Runs the case's operation with `concurrency` in flight: `settleMs` discarded, then
 * `durationMs` measured. Throughput counts the calls finished, over the time until the
 * last in-flight call came back; `probes` are read around the measured window.
 */
async function measureFor({ label, probes, prepare }: Case): Promise<Run> {
  const operation = await prepare();
  await runFor(settleMs, operation);
  const before = await Promise.all(probes.map((probe) => probe.seconds()));
  const { latencies, elapsedSeconds } = await runFor(durationMs, operation);
  const after = await Promise.all(probes.map((probe) => probe.seconds()));
  return {
    measurement: summarize(label, latencies, elapsedSeconds),
    cpuMsPerRequest: probes.map((probe, index) => ({
      name: probe.name,
      ms: (((after[index] ?? 0) - (before[index] ?? 0)) * 1000) / latencies.length,
    })),
  };
}

function printCpu({ measurement, cpuMsPerRequest }: Run): void {
  const figures = cpuMsPerRequest.map(({ name, ms }) => `${name} ${ms.toFixed(2)} ms`).join(', ');
  console.log(`  ${measurement.label.padEnd(44)}${figures}`);
}

async function runFor(ms: number, operation: () => Promise<unknown>): Promise<{ latencies: number[]; elapsedSeconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      await operation();
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, elapsedSeconds: (performance.now() - started) / 1000 };
}

/** GET over the keep-alive agent; anything but 200 fails the run rather than being counted. */
function get(agent: http.Agent, url: string, headers: http.OutgoingHttpHeaders): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url} answered ${response.statusCode}: ${body}`)),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

function printTarget(gateway: Measurement, direct: Measurement): void {
  const ratio = gateway.opsPerSecond / direct.opsPerSecond;
  const verdict = ratio >= targetRatio ? 'met' : 'NOT met';
  console.log(`  target: gateway >= ${targetRatio.toFixed(2)}x direct gRPC throughput: ${ratio.toFixed(2)}x, ${verdict}`);
}

/** The hello-world script on the same Node binary, resolved once it prints its port. */
async function startHelloWorld(): Promise<{ url: string; cpu: CpuProbe; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [helloWorldMain], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => {
      const { http_port: httpPort } = JSON.parse(line) as { http_port?: unknown };
      if (typeof httpPort === 'number') resolve(httpPort);
      else reject(new Error(`hello-world printed no port: ${line}`));
    });
    void exited.then(() => reject(new Error('hello-world exited before it listened')));
  });
  lines.close();
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    cpu: {
      name: 'fastify hello-world',
      seconds: async () => ((await (await fetch(`${url}/cpu`)).json()) as { seconds: number }).seconds,
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
