// The chart contract: start crypto locally with exactly the command, env, mounted files and
// ports the chart renders, and check the rendered probes and gRPC health answer; run the
// migration Job's command against a fresh database.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { createTestDatabase, findFreePort, startServiceProcess, type ServiceProcess } from '@causeloop/platform/testing';
import type { IContainer, IEnvVar, IPodSpec } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findObject, renderChart, repositoryRoot, reportMissingHelm, type K8sObject } from './helm.js';

const run = promisify(execFile);
const skip = reportMissingHelm('chart contract tests (charts/causeloop/test/contract.test.ts)', [
  'crypto starts with the rendered command, env, KEK file and ports; probes answer 200; gRPC health SERVING',
  'the helm test pod command passes against it',
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

describe.skipIf(skip)('chart contract (test/contract-values.yaml)', () => {
  let objects: K8sObject[];
  let service: ServiceProcess;
  let container: IContainer;
  let scratch: string;
  const portMap = new Map<number, number>();

  beforeAll(async () => {
    objects = renderChart({ valuesFiles: ['charts/causeloop/test/contract-values.yaml'] });
    const deployment = findObject(objects, 'Deployment', 'causeloop-crypto');
    const spec = podSpec(deployment);
    container = spec.containers[0]!;
    expect(container.command).toEqual(['node']);
    expect(container.workingDir).toBe('/app');

    // The Secret volumes, written to a temp dir; mount paths remapped into it.
    scratch = mkdtempSync(path.join(tmpdir(), 'causeloop-contract-'));
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts ?? []) {
      const volume = spec.volumes?.find((v) => v.name === mount.name);
      if (volume?.secret === undefined) continue;
      const secret = findObject(objects, 'Secret', volume.secret.secretName!);
      for (const item of volume.secret.items ?? []) {
        writeFileSync(path.join(scratch, `${mount.name}-${item.path}`), (secret['stringData'] as Record<string, string>)[item.key]!, { mode: 0o440 });
      }
      mounts.set(mount.mountPath, `${scratch}/${mount.name}-`);
    }

    // Ports: the pod's 50051/9090 become free local ports, passed through the same variables.
    for (const port of container.ports ?? []) portMap.set(port.containerPort, await findFreePort());
    const env: Record<string, string> = {};
    for (const entry of container.env ?? []) {
      let value = resolveEnv(entry, objects);
      for (const [mountPath, local] of mounts) if (value.startsWith(`${mountPath}/`)) value = local + value.slice(mountPath.length + 1);
      env[entry.name] = value;
    }
    const renderedPort = (name: string) => container.ports!.find((p) => p.name === name)!.containerPort;
    expect(env['GRPC_PORT']).toBe(String(renderedPort('grpc')));
    expect(env['OPS_PORT']).toBe(String(renderedPort('ops')));
    env['GRPC_PORT'] = String(portMap.get(renderedPort('grpc')));
    env['OPS_PORT'] = String(portMap.get(renderedPort('ops')));

    const args = container.args!;
    service = await startServiceProcess({
      main: args.at(-1)!,
      execArgv: args.slice(0, -1),
      cwd: repositoryRoot, // the image's /app
      env,
    });
  });

  afterAll(async () => {
    await service?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('starts crypto with the rendered settings; its probes answer 200 on the ops port and gRPC health is SERVING', async () => {
    const grpc = container.ports!.find((p) => p.name === 'grpc')!.containerPort;
    const ops = container.ports!.find((p) => p.name === 'ops')!.containerPort;
    expect(service.grpcAddress).toBe(`127.0.0.1:${portMap.get(grpc)}`);
    expect(service.opsUrl).toBe(`http://127.0.0.1:${portMap.get(ops)}`);
    expect(service.lines.some((line) => line['message'] === 'keyring loaded')).toBe(true);

    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      const get = probe!.httpGet!;
      const port = typeof get.port === 'string' ? container.ports!.find((p) => p.name === get.port)!.containerPort : get.port;
      const response = await fetch(`http://127.0.0.1:${portMap.get(port)}${get.path}`);
      expect(response.status, `${get.path} on ${port}`).toBe(200);
    }

    const health = new HealthClient(`127.0.0.1:${portMap.get(grpc)}`, credentials.createInsecure());
    try {
      const status = await new Promise<string>((resolve, reject) =>
        health['check']!({ service: '' }, (error: ServiceError | null, response: { status: string }) =>
          error === null ? resolve(response.status) : reject(error),
        ),
      );
      expect(status).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('passes the helm test pod command against it', async () => {
    const pod = findObject(objects, 'Pod', 'causeloop-test-ready');
    const [testContainer] = (pod['spec'] as IPodSpec).containers;
    const args = testContainer!.args!.map((arg) => arg.replace(/^http:\/\/[^/]+:9090/, service.opsUrl));
    expect(args.filter((a) => a.startsWith('http'))).toEqual([`${service.opsUrl}/ready`]);
    const { stdout } = await run(process.execPath, args, { cwd: repositoryRoot });
    expect(stdout).toContain(`ok   ${service.opsUrl}/ready`);
  });

  it('migrates a fresh database with the migration Job command and the owner URL', async () => {
    const job = findObject(objects, 'Job', 'causeloop-migrate');
    const jobContainer = (job['spec'] as { template: { spec: IPodSpec } }).template.spec.containers[0]!;
    const database = await createTestDatabase({ migrate: false });
    try {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const entry of jobContainer.env ?? []) env[entry.name] = resolveEnv(entry, objects);
      expect(env['DATABASE_OWNER_URL']).toMatch(/^postgres:\/\/causeloop_owner:/); // the rendered owner URL…
      env['DATABASE_OWNER_URL'] = database.ownerUrl; // …pointed at the test database
      expect(jobContainer.command).toEqual(['node']);
      const { stdout } = await run(process.execPath, jobContainer.args!, { cwd: repositoryRoot, env });
      expect(stdout).toContain('"message":"migrations applied"');
    } finally {
      await database.drop();
    }
  });
});
