import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { withClient, withTenant } from '@causeloop/platform/db';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { generateAssertionKeyPair, principalAssertionHeader, type Scope } from '@causeloop/platform/identity';
import { grpcAddressVariable } from '@causeloop/platform/service-catalogue';
import { startServiceProcess, type ServiceProcess } from '@causeloop/platform/service-process';

// The processes the insights bench measures, as pods run them: auth (development mode, so
// `dev:<email>` signs the bench user in without an identity provider), insights and the
// api-gateway in front of both, on one database; and the bench user's tokens.

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const serviceMain = (service: string) => path.join(repositoryRoot, 'services', service, 'dist/main.js');

export const benchUserEmail = 'bench@example.com';

export interface InsightsBenchStack {
  readonly auth: ServiceProcess;
  readonly insights: ServiceProcess;
  readonly gateway: ServiceProcess;
  /** A clp_sa_ token of a new analyst service account of `workspaceId` holding `scopes` (the bench user must be a member). */
  serviceAccountToken(workspaceId: string, scopes: readonly Scope[]): Promise<string>;
  /** The metadata the gateway forwards for `token`: auth's principal assertion (it lives 60 s). */
  forwardedMetadata(token: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startInsightsBenchStack(appUrl: string, options: { insightsPoolMax: number }): Promise<InsightsBenchStack> {
  const keys = await generateAssertionKeyPair();
  const started: ServiceProcess[] = [];
  const stop = async () => {
    for (const process of started.reverse()) await process.stop();
  };
  try {
    const auth = await startServiceProcess({
      main: serviceMain('auth'),
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DATABASE_URL: appUrl,
        JWT_SECRET: randomBytes(32).toString('base64url'),
        PRINCIPAL_ASSERTION_PRIVATE_KEY: keys.privateKeyPem,
      },
      keepLines: false,
    });
    started.push(auth);
    const insights = await startServiceProcess({
      main: serviceMain('insights'),
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DATABASE_URL: appUrl,
        DATABASE_POOL_MAX: String(options.insightsPoolMax),
        [grpcAddressVariable('auth')]: auth.grpcAddress,
        PRINCIPAL_ASSERTION_PUBLIC_KEY: keys.publicKeyPem,
        CURSOR_SIGNING_KEY: randomBytes(32).toString('base64url'),
      },
      keepLines: false,
    });
    started.push(insights);
    const gateway = await startServiceProcess({
      main: serviceMain('api-gateway'),
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        DATABASE_URL: appUrl,
        [grpcAddressVariable('auth')]: auth.grpcAddress,
        [grpcAddressVariable('insights')]: insights.grpcAddress,
        // A few clients and one principal each: the default limits would make it measure 429s.
        RATE_LIMIT_PER_CLIENT_PER_MINUTE: '1000000',
        RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE: '1000000',
      },
      keepLines: false,
    });
    started.push(gateway);

    const client: GrpcClient<typeof AuthService> = createGrpcClient(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 30_000 });
    return {
      auth,
      insights,
      gateway,
      async serviceAccountToken(workspaceId, scopes) {
        const { accessToken } = await client.exchangeToken({ subjectToken: `dev:${benchUserEmail}`, workspaceId });
        const metadata = { metadata: { authorization: `Bearer ${accessToken}` } };
        const { serviceAccount } = await client.createServiceAccount({ name: `bench-${randomBytes(4).toString('hex')}`, role: Role.ANALYST }, metadata);
        const { secret } = await client.createServiceAccountToken(
          { serviceAccountId: serviceAccount!.id, name: 'bench', scopes: [...scopes] },
          metadata,
        );
        return secret;
      },
      async forwardedMetadata(token) {
        const { assertion } = await client.authenticate({ token });
        return { [principalAssertionHeader]: assertion };
      },
      async stop() {
        client.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The bench user (the app role cannot write `users`), as the owner; returns its id. */
export async function seedBenchUser(ownerUrl: string): Promise<string> {
  const id = uuidv7();
  await withClient(ownerUrl, (client) =>
    client.query(`insert into users (id, email, display_name) values ($1, $2, 'Bench')`, [id, benchUserEmail]),
  );
  return id;
}

/** The bench user as an admin of a workspace, under its tenant; creates the workspace when `name` is given. */
export async function seedBenchWorkspace(pool: Pool, options: { workspaceId: string; userId: string; name?: string }): Promise<void> {
  await withTenant(pool, options.workspaceId, async (client) => {
    if (options.name !== undefined) await client.query('insert into workspaces (id, name) values ($1, $2)', [options.workspaceId, options.name]);
    await client.query(
      `insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'admin') on conflict (workspace_id, user_id) do nothing`,
      [options.workspaceId, options.userId],
    );
  });
}

/** CPU seconds a process has used so far. */
export interface CpuProbe {
  readonly name: string;
  seconds(): Promise<number>;
}

/** A service's own count, from the default process metrics on its ops `/metrics`. */
export function cpuFromMetrics(name: string, opsUrl: string): CpuProbe {
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

/** This process: the load generator (and draining the services' log pipes). */
export const ownCpu: CpuProbe = {
  name: 'bench client',
  seconds: async () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
};

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const ticksPerSecond = 100;

/**
 * The embedded PostgreSQL server's CPU: its postmaster (named by `postmaster.pid` in the
 * data directory) and every process it forked (backends, walwriter, …), read from /proc.
 * A backend that exited takes its time with it; the bench's pools keep theirs open.
 */
export function postgresCpu(dataDirectory: string): CpuProbe {
  return {
    name: 'postgres',
    async seconds() {
      const postmaster = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      let ticks = 0;
      for (const entry of await readdir('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
        if (stat === undefined) continue;
        // pid (comm) state ppid … utime stime: fields after the command, which may hold spaces.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(entry) !== postmaster && Number(fields[1]) !== postmaster) continue;
        ticks += Number(fields[11]) + Number(fields[12]);
      }
      return ticks / ticksPerSecond;
    },
  };
}

/** Every core's busy time (user, nice, system, irq, softirq), from /proc/stat: what the machine did, this bench or not. */
export const machineCpu: CpuProbe = {
  name: 'machine',
  async seconds() {
    const [user, nice, system, , , irq, softirq] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) / ticksPerSecond;
  },
};
