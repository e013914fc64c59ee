// The chart rendered offline with helm: lint, schema, every object against Kubernetes
// schemas, and the settings the services depend on. Renders once per values set.
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace, Pod, Secret, Service, ServiceAccount, type IContainer, type IPodSpec } from 'kubernetes-models/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { findObject, parseManifests, renderChart, renderChartError, repositoryRoot, reportMissingHelm, runHelm, type K8sObject } from './helm.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const tests = [
  'helm lint --strict (defaults, production)',
  'schema rejects bad values',
  'validateValues reports every conflict at once',
  'every rendered object validates against its Kubernetes schema',
  'probes, security contexts, tokens, grace period',
  'crypto: KEK file, headless Service, NetworkPolicy paths',
  'migration Job',
  'gateway-only objects',
] as const;
const skip = reportMissingHelm('chart tests (charts/causeloop/test/chart.test.ts)', tests);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const models: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Service': Service, 'v1/ServiceAccount': ServiceAccount, 'v1/Secret': Secret, 'v1/Pod': Pod, 'v1/Namespace': Namespace,
  'apps/v1/Deployment': Deployment, 'apps/v1/StatefulSet': StatefulSet, 'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy, 'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget, 'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/v1/Role': Role, 'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor, 'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute,
};

const valueSets = {
  default: [],
  production: ['charts/causeloop/ci/production-values.yaml'],
  contract: ['charts/causeloop/test/contract-values.yaml'],
  dev: ['k8s/dev-values.yaml'],
  all: ['charts/causeloop/test/all-components-values.yaml'],
} as const;
type ValueSet = keyof typeof valueSets;

const podSpec = (object: K8sObject): IPodSpec =>
  object.kind === 'Pod'
    ? (object['spec'] as IPodSpec)
    : ((object['spec'] as { template: { spec: IPodSpec } }).template.spec);
const workloads = (objects: readonly K8sObject[]) => objects.filter((o) => ['Deployment', 'Job', 'Pod'].includes(o.kind));
const opsPort = (container: IContainer) => container.ports?.find((port) => port.name === 'ops');

describe.skipIf(skip)('charts/causeloop', () => {
  const rendered = {} as Record<ValueSet, K8sObject[]>;
  beforeAll(() => {
    for (const [name, files] of Object.entries(valueSets)) rendered[name as ValueSet] = renderChart({ valuesFiles: files });
  });

  it('passes helm lint --strict with the default values and with ci/production-values.yaml', () => {
    for (const files of [[], ['ci/default-values.yaml'], ['ci/production-values.yaml']]) {
      const result = runHelm(['lint', '--strict', 'charts/causeloop', ...files.flatMap((f) => ['--values', `charts/causeloop/${f}`])]);
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('0 chart(s) failed');
    }
  });

  it('rejects bad values through values.schema.json, naming each one', () => {
    const error = renderChartError({
      set: ['components.crypto.replicaCount=-1', 'components.crypto.replicas=2', 'logLevel=loud', 'environment=staging', 'image.digest=md5:1'],
    });
    expect(error).toContain("at '/components/crypto/replicaCount': minimum: got -1, want 0");
    expect(error).toContain("additional properties 'replicas' not allowed");
    expect(error).toMatch(/at '\/logLevel': value must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'/);
    expect(error).toMatch(/at '\/environment': value must be one of/);
    expect(error).toContain("at '/image/digest'");
    expect(renderChartError({ set: ['unknownTopLevel=1'] })).toContain("additional properties 'unknownTopLevel' not allowed");
  });

  it('reports every conflict between values in one failure (validateValues)', () => {
    const error = renderChartError({
      set: [
        'shutdown.terminationGracePeriodSeconds=12',
        'components.crypto.autoscaling.enabled=true', 'components.crypto.autoscaling.minReplicas=5', 'components.crypto.autoscaling.maxReplicas=2',
        'masterKey.create=true', 'ingress.enabled=true', 'components.tenancy.enabled=true',
      ],
    });
    expect(error).toContain('Causeloop values are inconsistent (5 problems)');
    expect(error).toContain('shutdown.terminationGracePeriodSeconds (12) must exceed shutdown.preStopSleepSeconds + shutdown.drainSeconds (15)');
    expect(error).toContain('components.crypto.autoscaling.minReplicas (5) is above maxReplicas (2)');
    expect(error).toContain('masterKey.create is true but masterKey.keyring is empty');
    expect(error).toContain('ingress.enabled needs components.api-gateway.enabled');
    expect(error).toContain('components.tenancy calls auth, which is not enabled');
    const devKey = renderChartError({ set: ['masterKey.create=true', 'masterKey.keyring=1:QN1X0xJFrqTG5h9yZ3rAJf2By8KqCz7Uu7yGUBj9eVo='] });
    expect(devKey).toContain('published development key');
  });

  it('renders only what exists by default: crypto, its objects, the migration Job and the test pod', () => {
    const names = rendered.default.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual([
      'Deployment/causeloop-crypto', 'Job/causeloop-migrate',
      'NetworkPolicy/causeloop-crypto', 'NetworkPolicy/causeloop-default-deny', 'NetworkPolicy/causeloop-migrate', 'NetworkPolicy/causeloop-test',
      'Pod/causeloop-test-ready', 'Service/causeloop-crypto', 'ServiceAccount/causeloop-crypto',
    ]);
  });

  it('renders objects that validate against their Kubernetes schemas, in every values set', () => {
    const extra = parseManifests(['k8s/namespace.yaml', 'k8s/postgres.yaml'].map((f) => readFileSync(path.join(repositoryRoot, f), 'utf8')).join('\n---\n'));
    for (const object of [...Object.values(rendered).flat(), ...extra]) {
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect(Model, `no model for ${object.apiVersion}/${object.kind}`).toBeDefined();
      expect(() => new Model!(object).validate(), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('gives every workload probes on the ops port, the security contexts, no token and a consistent grace period', () => {
    for (const [set, objects] of Object.entries(rendered)) {
      for (const workload of workloads(objects)) {
        const label = `${set}: ${workload.kind}/${workload.metadata.name}`;
        const spec = podSpec(workload);
        expect(spec.securityContext, label).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
        expect(spec.automountServiceAccountToken, label).toBe(workload.metadata.labels?.['app.kubernetes.io/component'] === 'insights' && set === 'all');
        for (const container of spec.containers) {
          expect(container.securityContext, label).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          expect(container.securityContext?.readOnlyRootFilesystem, label).toBe(set !== 'dev');
        }
        if (workload.kind !== 'Deployment') continue;
        const [container] = spec.containers;
        const ops = opsPort(container!);
        expect(ops?.containerPort, label).toBe(9090);
        expect(container!.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'ops' });
        expect(container!.startupProbe?.httpGet).toEqual({ path: '/health', port: 'ops' });
        expect(container!.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'ops' });
        const drainMs = Number(container!.env?.find((e) => e.name === 'SHUTDOWN_DRAIN_MS')?.value);
        const preStop = container!.lifecycle?.preStop?.sleep?.seconds ?? 0;
        expect(spec.terminationGracePeriodSeconds!, label).toBeGreaterThan(preStop + drainMs / 1000);
        expect(Object.keys((workload['spec'] as { selector: { matchLabels: object } }).selector.matchLabels).sort()).toEqual([
          'app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name',
        ]);
      }
    }
  });

  it('mounts the KEK Secret as a file that CAUSELOOP_MASTER_KEY_FILE names, and serves crypto through a headless Service', () => {
    const deployment = findObject(rendered.default, 'Deployment', 'causeloop-crypto');
    const spec = podSpec(deployment);
    const container = spec.containers[0]!;
    const mount = container.volumeMounts?.find((m) => m.name === 'master-key');
    expect(mount).toMatchObject({ mountPath: '/var/run/secrets/causeloop/master-key', readOnly: true });
    expect(mount?.subPath).toBeUndefined(); // subPath mounts never see a rotated Secret
    expect(spec.volumes?.find((v) => v.name === 'master-key')?.secret).toMatchObject({ secretName: 'causeloop-master-key', items: [{ key: 'keyring', path: 'keyring' }] });
    expect(container.env).toContainEqual({ name: 'CAUSELOOP_MASTER_KEY_FILE', value: '/var/run/secrets/causeloop/master-key/keyring' });
    expect(container.env?.some((e) => e.name === 'CAUSELOOP_MASTER_KEY' || e.name === 'DATABASE_URL')).toBe(false);
    const service = findObject(rendered.default, 'Service', 'causeloop-crypto')['spec'] as { clusterIP: string; ports: { name: string; port: number }[] };
    expect(service.clusterIP).toBe('None');
    expect(service.ports.map((p) => `${p.name}:${p.port}`)).toEqual(['grpc:50051', 'ops:9090']);
  });

  it('allows exactly the network paths crypto needs: gRPC from Causeloop callers, ops from monitoring, DNS out', () => {
    const policy = findObject(rendered.default, 'NetworkPolicy', 'causeloop-crypto')['spec'] as {
      ingress: { from: { podSelector?: { matchExpressions?: { values: string[] }[] }; namespaceSelector?: object }[]; ports: { port: number }[] }[];
      egress: { to?: object[]; ports: { port: number; protocol: string }[] }[];
    };
    expect(policy.ingress.map((rule) => rule.ports.map((p) => p.port))).toEqual([[50051], [9090]]);
    expect(policy.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['operator']);
    expect(policy.ingress[1]!.from[0]).toMatchObject({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } });
    expect(policy.egress).toHaveLength(1);
    expect(policy.egress[0]!.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    const deny = findObject(rendered.default, 'NetworkPolicy', 'causeloop-default-deny')['spec'];
    expect(deny).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'causeloop', 'app.kubernetes.io/instance': 'causeloop' } }, policyTypes: ['Ingress', 'Egress'] });
    const migrate = findObject(rendered.production, 'NetworkPolicy', 'causeloop-migrate')['spec'] as { egress: { to?: object[]; ports: { port: number }[] }[] };
    expect(migrate.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 5432]);
    expect(migrate.egress[1]!.to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
    // With every component: tenancy gets gRPC from the gateway and reaches auth, crypto and the database.
    const tenancy = findObject(rendered.all, 'NetworkPolicy', 'causeloop-tenancy')['spec'] as typeof policy;
    expect(tenancy.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['api-gateway', 'operator']);
    expect(tenancy.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 50051, 50051, 5432, 4317]);
    const cryptoAll = findObject(rendered.all, 'NetworkPolicy', 'causeloop-crypto')['spec'] as typeof policy;
    expect(cryptoAll.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['insights', 'tenancy', 'operator']);
  });

  it('runs migrations as a pre-install,pre-upgrade hook Job with the owner URL', () => {
    const job = findObject(rendered.default, 'Job', 'causeloop-migrate');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const container = podSpec(job).containers[0]!;
    expect([...(container.command ?? []), ...(container.args ?? [])]).toEqual(['node', 'scripts/dist/causeloop.js', 'db', 'migrate']);
    expect(container.env?.find((e) => e.name === 'DATABASE_OWNER_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'causeloop-database', key: 'DATABASE_OWNER_URL' },
    });
    expect(container.env?.some((e) => e.name === 'DATABASE_URL')).toBe(false);
    // A chart-created database Secret must exist before the hook runs: it is a hook too, earlier.
    const secret = findObject(rendered.contract, 'Secret', 'causeloop-database');
    expect(secret.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-10' });
  });

  it('renders the gateway-only objects only with the gateway, and the helm test checks every component', () => {
    for (const kind of ['Ingress', 'HTTPRoute']) expect(rendered.default.some((o) => o.kind === kind)).toBe(false);
    expect(findObject(rendered.all, 'Service', 'causeloop-api-gateway')['spec']).toMatchObject({ type: 'ClusterIP' });
    expect(findObject(rendered.all, 'Ingress', 'causeloop-api-gateway')).toBeDefined();
    expect(findObject(rendered.all, 'HTTPRoute', 'causeloop-api-gateway')).toBeDefined();
    const urls = (objects: readonly K8sObject[]) => podSpec(findObject(objects, 'Pod', 'causeloop-test-ready')).containers[0]!.args!.filter((a) => a.startsWith('http'));
    expect(urls(rendered.default)).toEqual(['http://causeloop-crypto.causeloop.svc.cluster.local:9090/ready']);
    expect(urls(rendered.all)).toHaveLength(5);
    expect(urls(rendered.all)).toContain('http://causeloop-api-gateway.causeloop.svc.cluster.local:9090/ready');
    const tenancyEnv = podSpec(findObject(rendered.all, 'Deployment', 'causeloop-tenancy')).containers[0]!.env!;
    expect(tenancyEnv).toContainEqual({ name: 'CRYPTO_GRPC_ADDR', value: 'dns:///causeloop-crypto.causeloop.svc.cluster.local:50051' });
  });
});
