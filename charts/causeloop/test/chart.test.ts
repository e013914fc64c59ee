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
import { serviceNodeOptions } from '@causeloop/platform/service-process';
import { findObject, generatedSecretsValuesFile, parseManifests, renderChart, renderChartError, repositoryRoot, reportMissingHelm, runHelm, type K8sObject } from './helm.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

const tests = [
  'helm lint --strict (defaults, production)',
  'schema rejects bad values',
  'validateValues reports every conflict at once',
  'every rendered object validates against its Kubernetes schema',
  'probes, security contexts, tokens, grace period',
  'crypto: KEK file, headless Service, NetworkPolicy paths',
  'auth: env, secrets, key file, NetworkPolicy paths (database, DNS, JWKS, callers, monitoring)',
  'auth values refused: missing secrets, development secrets under production, partial IdP',
  'migration Job',
  'api-gateway: env, database, ClusterIP Service, NetworkPolicy paths (HTTP in, ops from monitoring and the test pod, auth, tenancy, database and DNS out)',
  'api-gateway: HTTPS from a kubernetes.io/tls Secret, CORS origins',
  'tenancy: env, secrets, public key, NetworkPolicy paths; values refused under production',
  'insights: env, secrets, public key, NetworkPolicy paths (gateway, clientsFrom, auth, database); values refused under production',
  'insights: LLM provider keys from the Secret only, provider egress, refused without a key source (fail closed); job queue and predictor settings',
  'gateway-only objects',
  'leader election: a Role with get, create and update on the component\'s Lease only, bound to its ServiceAccount; LEADER_ELECTION forced; API server egress',
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
  contract: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile],
  dev: ['k8s/dev-values.yaml'],
  all: ['charts/causeloop/test/all-components-values.yaml', generatedSecretsValuesFile],
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
        'masterKey.create=true', 'ingress.enabled=true', 'components.tenancy.enabled=true', 'components.auth.enabled=false',
        'components.api-gateway.enabled=false',
      ],
    });
    expect(error).toContain('Causeloop values are inconsistent (6 problems)');
    expect(error).toContain('shutdown.terminationGracePeriodSeconds (12) must exceed shutdown.preStopSleepSeconds + shutdown.drainSeconds (15)');
    expect(error).toContain('components.crypto.autoscaling.minReplicas (5) is above maxReplicas (2)');
    expect(error).toContain('masterKey.create is true but masterKey.keyring is empty');
    expect(error).toContain('ingress.enabled needs components.api-gateway.enabled');
    expect(error).toContain('components.tenancy calls auth, which is not enabled');
    expect(error).toContain('components.insights calls auth, which is not enabled');
    const devKey = renderChartError({ set: ['masterKey.create=true', 'masterKey.keyring=1:QN1X0xJFrqTG5h9yZ3rAJf2By8KqCz7Uu7yGUBj9eVo='] });
    expect(devKey).toContain('published development key');
  });

  it('gives tenancy and insights, which run leader-only jobs, a Role with get, create and update on their own Lease only, bound to their ServiceAccount; LEADER_ELECTION forced; API server egress', () => {
    for (const name of ['tenancy', 'insights']) {
      const fullname = `causeloop-${name}`;
      const role = findObject(rendered.default, 'Role', `${fullname}-leases`);
      const rules = role['rules'] as { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[];
      // Least privilege: Leases of coordination.k8s.io alone; create (which cannot be limited by
      // name), and get and update of the one Lease the service uses; no patch, list, watch or delete.
      expect(rules).toEqual([
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [fullname], verbs: ['get', 'update'] },
      ]);
      expect(role.metadata.namespace).toBe('causeloop');
      const binding = findObject(rendered.default, 'RoleBinding', `${fullname}-leases`);
      expect(binding['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${fullname}-leases` });
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: fullname, namespace: 'causeloop' }]);
      expect(findObject(rendered.default, 'ServiceAccount', fullname)['automountServiceAccountToken']).toBe(true);
      const deployment = findObject(rendered.default, 'Deployment', fullname);
      expect(podSpec(deployment).serviceAccountName).toBe(fullname);
      const env = podSpec(deployment).containers[0]!.env ?? [];
      expect(env.filter((e) => e.name.startsWith('LEADER_ELECTION'))).toEqual([
        { name: 'LEADER_ELECTION', value: 'kubernetes' },
        { name: 'LEADER_ELECTION_LEASE', value: fullname },
        { name: 'LEADER_ELECTION_LEASE_DURATION_MS', value: '15000' },
        { name: 'LEADER_ELECTION_RENEW_INTERVAL_MS', value: '5000' },
      ]);
      const policy = findObject(rendered.default, 'NetworkPolicy', fullname);
      const egress = policy['spec'] as { egress: { to?: unknown[]; ports: { port: number }[] }[] };
      expect(egress.egress.filter((rule) => rule.ports.some((p) => p.port === 6443))).toEqual([
        { ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] },
      ]);
    }
    // Nothing else gets a Role, a token or a way to the API server.
    const roles = rendered.default.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding').map((o) => o.metadata.name);
    expect(roles.sort()).toEqual(['causeloop-insights-leases', 'causeloop-insights-leases', 'causeloop-tenancy-leases', 'causeloop-tenancy-leases']);
    for (const name of ['crypto', 'auth', 'api-gateway']) {
      expect(findObject(rendered.default, 'ServiceAccount', `causeloop-${name}`)['automountServiceAccountToken']).toBe(false);
      const env = podSpec(findObject(rendered.default, 'Deployment', `causeloop-${name}`)).containers[0]!.env ?? [];
      expect(env.some((e) => e.name.startsWith('LEADER_ELECTION'))).toBe(false);
    }
    // Turned off: no Role, no token, and the service falls back to the advisory lock (auto).
    const off = renderChart({ set: ['components.tenancy.leaderElection=false'] });
    expect(off.some((o) => o.kind === 'Role' && o.metadata.name === 'causeloop-tenancy-leases')).toBe(false);
    const tenancyEnv = podSpec(findObject(off, 'Deployment', 'causeloop-tenancy')).containers[0]!.env ?? [];
    expect(tenancyEnv.some((e) => e.name.startsWith('LEADER_ELECTION'))).toBe(false);
    expect(podSpec(findObject(off, 'Deployment', 'causeloop-tenancy')).automountServiceAccountToken).toBe(false);
    // The timing is one setting for both, checked as the platform checks it (renew at most half the lease).
    const timing = renderChart({ set: ['leaderElection.leaseDurationMs=30000', 'leaderElection.renewIntervalMs=10000'] });
    for (const name of ['tenancy', 'insights']) {
      const timingEnv = podSpec(findObject(timing, 'Deployment', `causeloop-${name}`)).containers[0]!.env ?? [];
      expect(timingEnv).toEqual(expect.arrayContaining([
        { name: 'LEADER_ELECTION_LEASE_DURATION_MS', value: '30000' },
        { name: 'LEADER_ELECTION_RENEW_INTERVAL_MS', value: '10000' },
      ]));
    }
    expect(renderChartError({ set: ['leaderElection.renewIntervalMs=8000'] }))
      .toContain('leaderElection.renewIntervalMs (8000) must be at most half leaderElection.leaseDurationMs (15000)');
    expect(renderChartError({ set: ['leaderElection.leaseDurationMs=999'] })).toContain("at '/leaderElection/leaseDurationMs': minimum: got 999");
  });

  it('renders every service by default: crypto, auth, tenancy, insights, the api-gateway, their objects, the migration Job and the test pod', () => {
    const names = rendered.default.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual([
      'Deployment/causeloop-api-gateway', 'Deployment/causeloop-auth', 'Deployment/causeloop-crypto', 'Deployment/causeloop-insights',
      'Deployment/causeloop-tenancy', 'Job/causeloop-migrate',
      'NetworkPolicy/causeloop-api-gateway', 'NetworkPolicy/causeloop-auth', 'NetworkPolicy/causeloop-crypto', 'NetworkPolicy/causeloop-default-deny',
      'NetworkPolicy/causeloop-insights', 'NetworkPolicy/causeloop-migrate', 'NetworkPolicy/causeloop-tenancy', 'NetworkPolicy/causeloop-test',
      'Pod/causeloop-test-ready',
      'Role/causeloop-insights-leases', 'Role/causeloop-tenancy-leases', 'RoleBinding/causeloop-insights-leases', 'RoleBinding/causeloop-tenancy-leases',
      'Service/causeloop-api-gateway', 'Service/causeloop-auth', 'Service/causeloop-crypto', 'Service/causeloop-insights', 'Service/causeloop-tenancy',
      'ServiceAccount/causeloop-api-gateway', 'ServiceAccount/causeloop-auth', 'ServiceAccount/causeloop-crypto', 'ServiceAccount/causeloop-insights',
      'ServiceAccount/causeloop-tenancy',
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
        // Only the components with leader-only jobs talk to the API server (their Lease).
        expect(spec.automountServiceAccountToken, label).toBe(['tenancy', 'insights'].includes(workload.metadata.labels?.['app.kubernetes.io/component'] ?? ''));
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
    expect(spec.volumes?.find((v) => v.name === 'master-key')?.secret).toMatchObject({ secretName: 'causeloop-master-key', defaultMode: 0o440, items: [{ key: 'keyring', path: 'keyring' }] });
    expect(container.env).toContainEqual({ name: 'CAUSELOOP_MASTER_KEY_FILE', value: '/var/run/secrets/causeloop/master-key/keyring' });
    expect(container.env?.some((e) => ['CAUSELOOP_MASTER_KEY', 'DATABASE_URL', 'JWT_SECRET', 'PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE'].includes(e.name))).toBe(false);
    expect(container.volumeMounts?.map((m) => m.name)).toEqual(['tmp', 'master-key']);
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
    expect(policy.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['tenancy', 'operator']); // tenancy makes data keys
    expect(policy.ingress[1]!.from[0]).toMatchObject({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } });
    expect(policy.egress).toHaveLength(1);
    expect(policy.egress[0]!.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    const deny = findObject(rendered.default, 'NetworkPolicy', 'causeloop-default-deny')['spec'];
    expect(deny).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'causeloop', 'app.kubernetes.io/instance': 'causeloop' } }, policyTypes: ['Ingress', 'Egress'] });
    const migrate = findObject(rendered.production, 'NetworkPolicy', 'causeloop-migrate')['spec'] as { egress: { to?: object[]; ports: { port: number }[] }[] };
    expect(migrate.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 5432]);
    expect(migrate.egress[1]!.to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
    // With every component: tenancy reaches auth, crypto, the database and the collector.
    const tenancy = findObject(rendered.all, 'NetworkPolicy', 'causeloop-tenancy')['spec'] as typeof policy;
    expect(tenancy.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['api-gateway', 'operator']);
    expect(tenancy.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 50051, 50051, 5432, 443, 4317]); // 443: the API server (its Lease)
    const cryptoAll = findObject(rendered.all, 'NetworkPolicy', 'causeloop-crypto')['spec'] as typeof policy;
    expect(cryptoAll.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['tenancy', 'operator']); // insights makes no data keys (yet)
  });

  it('starts every service with the node options npm start uses, and puts componentDefaults.nodeOptions after the chart\'s own flags so one can override them', () => {
    const ownFlags = serviceNodeOptions.slice(0, serviceNodeOptions.indexOf('--import'));
    for (const name of ['crypto', 'auth', 'tenancy', 'insights', 'api-gateway']) {
      expect(podSpec(findObject(rendered.default, 'Deployment', `causeloop-${name}`)).containers[0]!.args).toEqual([...serviceNodeOptions, `services/${name}/dist/main.js`]);
    }
    // A user turning the optimizing compiler's worker threads back on: the later flag wins in V8.
    const overridden = renderChart({ set: ['componentDefaults.nodeOptions={--concurrent-recompilation}'] });
    expect(podSpec(findObject(overridden, 'Deployment', 'causeloop-auth')).containers[0]!.args).toEqual([
      ...ownFlags,
      '--concurrent-recompilation',
      '--import',
      '@causeloop/platform/tracing/register',
      'services/auth/dist/main.js',
    ]);
  });

  it('gives auth its database URL, JWT_SECRET and token settings, and mounts the assertion key as the file PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE names', () => {
    const spec = podSpec(findObject(rendered.default, 'Deployment', 'causeloop-auth'));
    const container = spec.containers[0]!;
    expect(container.ports?.map((p) => `${p.name}:${p.containerPort}`)).toEqual(['grpc:50051', 'ops:9090']);
    expect(container.env).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'OPS_PORT', value: '9090' },
      { name: 'GRPC_PORT', value: '50051' },
      { name: 'SHUTDOWN_DRAIN_MS', value: '10000' },
      { name: 'OTEL_SERVICE_NAME', value: 'causeloop-auth' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'causeloop-database', key: 'DATABASE_URL' } } },
      { name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'causeloop-jwt', key: 'JWT_SECRET' } } },
      { name: 'PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE', value: '/var/run/secrets/causeloop/assertion-key/private-key.pem' },
      { name: 'ACCESS_TOKEN_TTL_SECONDS', value: '900' },
      { name: 'REFRESH_TOKEN_TTL_SECONDS', value: '2592000' },
      { name: 'REFRESH_REUSE_GRACE_SECONDS', value: '10' },
      { name: 'PRINCIPAL_ASSERTION_TTL_SECONDS', value: '60' },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'assertion-key', mountPath: '/var/run/secrets/causeloop/assertion-key', readOnly: true },
    ]);
    expect(spec.volumes?.find((v) => v.name === 'assertion-key')?.secret).toEqual({
      secretName: 'causeloop-assertion-key', defaultMode: 0o440, items: [{ key: 'private-key.pem', path: 'private-key.pem' }],
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(findObject(rendered.default, 'Service', 'causeloop-auth')['spec']).toMatchObject({ clusterIP: 'None' });
    expect(rendered.default.some((o) => o.kind === 'Secret')).toBe(false); // brought by the operator by default

    // The production example: an IdP, existing Secrets, its own TTL.
    const production = podSpec(findObject(rendered.production, 'Deployment', 'causeloop-auth')).containers[0]!.env!;
    expect(production).toEqual(expect.arrayContaining([
      { name: 'IDP_JWKS_URL', value: 'https://login.example.com/.well-known/jwks.json' },
      { name: 'IDP_ISSUER', value: 'https://login.example.com/' },
      { name: 'IDP_AUDIENCE', value: 'causeloop' },
      { name: 'ACCESS_TOKEN_TTL_SECONDS', value: '600' },
    ]));
    expect(container.env!.some((e) => e.name.startsWith('IDP_'))).toBe(false);

    // Chart-created Secrets (contract values): the generated key and secret, and a checksum that rolls auth when they change.
    const jwt = findObject(rendered.contract, 'Secret', 'causeloop-jwt')['stringData'] as Record<string, string>;
    const key = findObject(rendered.contract, 'Secret', 'causeloop-assertion-key')['stringData'] as Record<string, string>;
    expect(Buffer.byteLength(jwt['JWT_SECRET']!)).toBeGreaterThanOrEqual(32);
    expect(key['private-key.pem']).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    const podAnnotations = (name: string) =>
      (findObject(rendered.contract, 'Deployment', name)['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(podAnnotations('causeloop-auth')['checksum/auth-secrets']).toMatch(/^[0-9a-f]{64}$/);
    expect(podAnnotations('causeloop-crypto')['checksum/auth-secrets']).toBeUndefined();
  });

  it('allows exactly the network paths auth needs: database, DNS, the JWKS URL when an IdP is set, gRPC from callers, ops from monitoring', () => {
    type Policy = {
      ingress: { from: { podSelector?: { matchExpressions?: { values: string[] }[] }; namespaceSelector?: object }[]; ports: { port: number }[] }[];
      egress: { to?: object[]; ports: { port: number; protocol: string }[] }[];
    };
    const byDefault = findObject(rendered.default, 'NetworkPolicy', 'causeloop-auth')['spec'] as Policy;
    expect(byDefault.ingress.map((rule) => rule.ports.map((p) => p.port))).toEqual([[50051], [9090]]);
    expect(byDefault.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['api-gateway', 'insights', 'tenancy', 'operator']); // all call auth
    expect(byDefault.ingress[1]!.from[0]).toMatchObject({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } });
    // No IdP configured: no way out but DNS and the database (any destination on 5432 by default).
    expect(byDefault.egress).toEqual([
      expect.objectContaining({ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }),
      { ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    // An https IdP: any destination on 443 unless networkPolicy.identityProviderTo narrows it.
    const withIdp = renderChart({
      set: ['auth.identityProvider.jwksUrl=https://idp.example/jwks.json', 'auth.identityProvider.issuer=https://idp.example/', 'auth.identityProvider.audience=causeloop'],
    });
    const idpPolicy = findObject(withIdp, 'NetworkPolicy', 'causeloop-auth')['spec'] as Policy;
    expect(idpPolicy.egress.slice(1)).toEqual([{ ports: [{ port: 5432, protocol: 'TCP' }] }, { ports: [{ port: 443, protocol: 'TCP' }] }]);
    expect((findObject(withIdp, 'NetworkPolicy', 'causeloop-crypto')['spec'] as Policy).egress).toHaveLength(1); // crypto never goes out
    // Production values: the database by CIDR, the IdP on 443, OTLP to the collector.
    const production = findObject(rendered.production, 'NetworkPolicy', 'causeloop-auth')['spec'] as Policy;
    expect(production.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 5432, 443, 4317]);
    expect(production.egress[1]!.to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
    expect(production.egress[2]!.to).toBeUndefined();
    // Every component: gRPC from the gateway, tenancy, insights and operators; the JWKS port from the URL, to the configured peers.
    const all = findObject(rendered.all, 'NetworkPolicy', 'causeloop-auth')['spec'] as Policy;
    expect(all.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['api-gateway', 'insights', 'tenancy', 'operator']);
    expect(all.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 5432, 8443, 4317]);
    expect(all.egress[2]).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8443, protocol: 'TCP' }] });
    const gateway = findObject(rendered.all, 'NetworkPolicy', 'causeloop-api-gateway')['spec'] as Policy;
    expect(gateway.egress.some((rule) => rule.ports[0]!.port === 8443)).toBe(false); // only auth talks to the IdP
    // The test pod reaches every component's ops port.
    const testPolicy = findObject(rendered.default, 'NetworkPolicy', 'causeloop-test')['spec'] as { egress: { to?: { podSelector?: { matchExpressions?: { values: string[] }[] } }[] }[] };
    expect(testPolicy.egress[1]!.to![0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['api-gateway', 'auth', 'crypto', 'insights', 'tenancy']);
  });

  it('refuses auth without its secrets, with the development secrets under production, and with a partial IdP', () => {
    const missing = renderChartError({
      set: ['jwt.existingSecret=', 'assertionKey.existingSecret=', 'auth.identityProvider.jwksUrl=https://idp.example/jwks.json'],
    });
    expect(missing).toContain('Causeloop values are inconsistent (4 problems)');
    expect(missing).toContain("insights and tenancy need auth's principal-assertion public key: set assertionKey.existingSecret");
    expect(missing).toContain('auth needs JWT_SECRET: set jwt.existingSecret, or jwt.create=true with jwt.secret');
    expect(missing).toContain('auth needs its principal-assertion key: set assertionKey.existingSecret, or assertionKey.create=true with assertionKey.privateKey');
    expect(missing).toContain('auth.identityProvider: set jwksUrl, issuer and audience together, or none of them');

    const empty = renderChartError({ set: ['jwt.create=true', 'assertionKey.create=true'] });
    expect(empty).toContain('(3 problems)');
    expect(empty).toContain('assertionKey.create is true but assertionKey.publicKey is empty');
    expect(empty).toContain('jwt.create is true but jwt.secret is empty');
    expect(empty).toContain('assertionKey.create is true but assertionKey.privateKey is empty');
    expect(renderChartError({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile], set: ['jwt.secret=too-short-for-hs256'] }))
      .toContain('jwt.secret must be at least 32 characters');

    // k8s/dev-values.yaml under production: the published development secrets (and tenancy's missing keys) refused at once.
    const devInProduction = renderChartError({ valuesFiles: ['k8s/dev-values.yaml'], set: ['environment=production'] });
    expect(devInProduction).toContain('(6 problems)');
    expect(devInProduction).toContain('insights.secrets.cursorSigningKey is empty, which insights refuses under environment=production');
    expect(devInProduction).toContain('tenancy.secrets.cursorSigningKey is empty, which tenancy refuses under environment=production');
    expect(devInProduction).toContain('tenancy.secrets.governanceSigningKey is empty, which tenancy refuses under environment=production');
    expect(devInProduction).toContain('masterKey.keyring holds the published development key');
    expect(devInProduction).toContain('jwt.secret is the published development JWT secret, which auth refuses under environment=production');
    expect(devInProduction).toContain('assertionKey.privateKey is the published development key');
    // The JWT one is exactly the service's (services/auth/src/development-secret.ts).
    const source = readFileSync(path.join(repositoryRoot, 'services/auth/src/development-secret.ts'), 'utf8');
    const developmentJwtSecret = /developmentJwtSecret = '([^']+)'/.exec(source)![1]!;
    expect(renderChartError({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile], set: [`jwt.secret=${developmentJwtSecret}`] }))
      .toContain('jwt.secret is the published development JWT secret');
    expect(findObject(renderChart({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile], set: [`jwt.secret=${developmentJwtSecret}`, 'environment=development'] }), 'Secret', 'causeloop-jwt')).toBeDefined();

    // The schema: TTL ranges of services/auth/src/config.ts, a PEM, an http(s) JWKS URL, no unknown keys.
    const schema = renderChartError({
      set: ['auth.accessTokenTtlSeconds=10', 'auth.refreshReuseGraceSeconds=301', 'auth.identityProvider.jwksUrl=ftp://idp', 'assertionKey.privateKey=not-a-key', 'auth.tokenTtl=1'],
    });
    expect(schema).toContain("at '/auth/accessTokenTtlSeconds': minimum: got 10, want 30");
    expect(schema).toContain("at '/auth/refreshReuseGraceSeconds': maximum: got 301, want 300");
    expect(schema).toContain("at '/auth/identityProvider/jwksUrl'");
    expect(schema).toContain("at '/assertionKey/privateKey'");
    expect(schema).toContain("additional properties 'tokenTtl' not allowed");
  });

  it('gives the api-gateway exactly the env its config reads, the app-role DATABASE_URL, AUTH_GRPC_ADDR, TENANCY_GRPC_ADDR and INSIGHTS_GRPC_ADDR, and a ClusterIP Service on the http port', () => {
    const spec = podSpec(findObject(rendered.default, 'Deployment', 'causeloop-api-gateway'));
    const container = spec.containers[0]!;
    expect(container.ports?.map((p) => `${p.name}:${p.containerPort}`)).toEqual(['http:8080', 'ops:9090']);
    expect(container.env).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'OPS_PORT', value: '9090' },
      { name: 'HTTP_PORT', value: '8080' },
      { name: 'SHUTDOWN_DRAIN_MS', value: '10000' },
      { name: 'OTEL_SERVICE_NAME', value: 'causeloop-api-gateway' },
      // Idempotency keys, as causeloop_app: the same Secret and key auth gets.
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'causeloop-database', key: 'DATABASE_URL' } } },
      { name: 'TRUSTED_PROXIES', value: '' },
      { name: 'CORS_ORIGINS', value: '' },
      { name: 'RATE_LIMIT_PER_CLIENT_PER_MINUTE', value: '1000' },
      { name: 'RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE', value: '600' },
      { name: 'AUTH_GRPC_ADDR', value: 'dns:///causeloop-auth.causeloop.svc.cluster.local:50051' },
      { name: 'TENANCY_GRPC_ADDR', value: 'dns:///causeloop-tenancy.causeloop.svc.cluster.local:50051' },
      { name: 'INSIGHTS_GRPC_ADDR', value: 'dns:///causeloop-insights.causeloop.svc.cluster.local:50051' },
    ]);
    // Without tenancy or insights the gateway gets no address for it (its routes are then not served), and that is no error.
    const withoutTenancy = podSpec(findObject(renderChart({ set: ['components.tenancy.enabled=false', 'components.insights.enabled=false'] }), 'Deployment', 'causeloop-api-gateway')).containers[0]!.env!;
    expect(withoutTenancy.map((e) => e.name)).not.toContain('TENANCY_GRPC_ADDR');
    expect(withoutTenancy.map((e) => e.name)).not.toContain('INSIGHTS_GRPC_ADDR');
    expect(withoutTenancy.map((e) => e.name)).toContain('AUTH_GRPC_ADDR');
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(spec.volumes?.map((v) => v.name)).toEqual(['tmp']);
    expect(spec.automountServiceAccountToken).toBe(false);
    const service = findObject(rendered.default, 'Service', 'causeloop-api-gateway')['spec'] as { type: string; clusterIP?: string; ports: { name: string; port: number; targetPort: string }[] };
    expect(service.type).toBe('ClusterIP');
    expect(service.clusterIP).toBeUndefined();
    expect(service.ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['http:8080->http', 'ops:9090->ops']);
    // The values: TRUSTED_PROXIES comma-joined, the limits as given; the schema holds config.ts's ranges.
    const tuned = podSpec(findObject(rendered.contract, 'Deployment', 'causeloop-api-gateway')).containers[0]!.env!;
    expect(tuned).toEqual(expect.arrayContaining([
      { name: 'TRUSTED_PROXIES', value: '10.0.0.0/8,192.168.1.10' },
      { name: 'RATE_LIMIT_PER_CLIENT_PER_MINUTE', value: '500' },
      { name: 'RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE', value: '300' },
    ]));
    const schema = renderChartError({
      set: ['apiGateway.rateLimit.perClientPerMinute=0', 'apiGateway.rateLimit.perPrincipalPerMinute=1000001', 'apiGateway.trustedProxies[0]=proxy.example', 'apiGateway.rateLimit.burst=1'],
    });
    expect(schema).toContain("at '/apiGateway/rateLimit/perClientPerMinute': minimum: got 0, want 1");
    expect(schema).toMatch(/at '\/apiGateway\/rateLimit\/perPrincipalPerMinute': maximum: got /);
    expect(schema).toContain("at '/apiGateway/trustedProxies/0'");
    expect(schema).toContain("additional properties 'burst' not allowed");
  });

  it('allows exactly the network paths the api-gateway needs: HTTP in (from anyone or gatewayFrom), ops from monitoring and the test pod, auth, tenancy and insights gRPC, the database and DNS out', () => {
    type Policy = {
      ingress: { from?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: object }[]; ports: { port: number; protocol: string }[] }[];
      egress: { to?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports: { port: number; protocol: string }[] }[];
    };
    const policy = findObject(rendered.default, 'NetworkPolicy', 'causeloop-api-gateway')['spec'] as Policy;
    expect(policy.ingress.map((rule) => rule.ports)).toEqual([[{ protocol: 'TCP', port: 8080 }], [{ protocol: 'TCP', port: 9090 }]]);
    expect(policy.ingress[0]!.from).toBeUndefined(); // the HTTP API from anywhere by default
    expect(policy.ingress[1]!.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'causeloop', 'app.kubernetes.io/instance': 'causeloop', 'app.kubernetes.io/component': 'test' } } },
    ]);
    expect(policy.egress).toEqual([
      expect.objectContaining({ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }),
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'causeloop', 'app.kubernetes.io/instance': 'causeloop', 'app.kubernetes.io/component': 'auth' } } }],
        ports: [{ protocol: 'TCP', port: 50051 }],
      },
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'causeloop', 'app.kubernetes.io/instance': 'causeloop', 'app.kubernetes.io/component': 'tenancy' } } }],
        ports: [{ protocol: 'TCP', port: 50051 }],
      },
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'causeloop', 'app.kubernetes.io/instance': 'causeloop', 'app.kubernetes.io/component': 'insights' } } }],
        ports: [{ protocol: 'TCP', port: 50051 }],
      },
      { ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    // The production values name the database: the gateway reaches it there only, like auth.
    const production = findObject(rendered.production, 'NetworkPolicy', 'causeloop-api-gateway')['spec'] as Policy;
    expect(production.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    // Without tenancy and insights: neither the gateway's egress to them nor their policies.
    const withoutTenancy = renderChart({ set: ['components.tenancy.enabled=false', 'components.insights.enabled=false'] });
    const gatewayAlone = findObject(withoutTenancy, 'NetworkPolicy', 'causeloop-api-gateway')['spec'] as Policy;
    expect(gatewayAlone.egress.flatMap((rule) => rule.to ?? []).map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component']).filter((c) => c !== undefined)).toEqual(['auth']);
    expect(withoutTenancy.some((o) => o.metadata.name === 'causeloop-tenancy' || o.metadata.name === 'causeloop-insights')).toBe(false);
    // networkPolicy.gatewayFrom narrows the HTTP port to the given peers (e.g. the ingress controller).
    const ingressController = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
    const narrowed = findObject(
      renderChart({ set: ['networkPolicy.gatewayFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx'] }),
      'NetworkPolicy', 'causeloop-api-gateway',
    )['spec'] as Policy;
    expect(narrowed.ingress[0]).toEqual({ ports: [{ protocol: 'TCP', port: 8080 }], from: [ingressController] });
  });

  it('gives the api-gateway REDIS_URL from an existing Secret, its failure mode, and egress to Redis only when set', () => {
    const withRedis = renderChart({
      set: [
        'apiGateway.rateLimit.redis.existingSecret=shared-redis',
        'apiGateway.rateLimit.redis.key=url',
        'apiGateway.rateLimit.redis.port=6380',
        'apiGateway.rateLimit.redis.failure=closed',
        'networkPolicy.redisTo[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=redis',
      ],
    });
    const env = podSpec(findObject(withRedis, 'Deployment', 'causeloop-api-gateway')).containers[0]!.env!;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'shared-redis', key: 'url' } } },
      { name: 'RATE_LIMIT_REDIS_FAILURE', value: 'closed' },
    ]));
    // The URL may carry a password: it never appears as a plain value.
    expect(env.find((e) => e.name === 'REDIS_URL')?.value).toBeUndefined();
    const egress = (findObject(withRedis, 'NetworkPolicy', 'causeloop-api-gateway')['spec'] as { egress: object[] }).egress;
    expect(egress).toContainEqual({
      ports: [{ protocol: 'TCP', port: 6380 }],
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'redis' } } }],
    });
    // Only the gateway talks to Redis.
    const authEgress = (findObject(withRedis, 'NetworkPolicy', 'causeloop-auth')['spec'] as { egress: { ports: { port: number }[] }[] }).egress;
    expect(authEgress.flatMap((rule) => rule.ports.map((p) => p.port))).not.toContain(6380);
    const schema = renderChartError({ set: ['apiGateway.rateLimit.redis.failure=maybe'] });
    expect(schema).toContain('/apiGateway/rateLimit/redis/failure');
  });

  it('serves the api-gateway over HTTPS from a kubernetes.io/tls Secret mounted read-only, on port https everywhere, and passes CORS_ORIGINS', () => {
    // ci/production-values.yaml sets apiGateway.tls.existingSecret and one CORS origin.
    const spec = podSpec(findObject(rendered.production, 'Deployment', 'causeloop-api-gateway'));
    const container = spec.containers[0]!;
    const env = container.env!;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'HTTPS_PORT', value: '8443' },
      { name: 'TLS_CERT_FILE', value: '/var/run/secrets/causeloop/tls/tls.crt' },
      { name: 'TLS_KEY_FILE', value: '/var/run/secrets/causeloop/tls/tls.key' },
      { name: 'CORS_ORIGINS', value: 'https://app.example.com' },
    ]));
    expect(env.some((e) => e.name === 'HTTP_PORT')).toBe(false); // HTTPS instead of plain HTTP, never both
    expect(container.ports?.map((p) => `${p.name}:${p.containerPort}`)).toEqual(['https:8443', 'ops:9090']);
    const mount = container.volumeMounts?.find((m) => m.name === 'tls');
    expect(mount).toEqual({ name: 'tls', mountPath: '/var/run/secrets/causeloop/tls', readOnly: true });
    expect(mount?.subPath).toBeUndefined(); // a subPath mount would never see the renewed certificate
    expect(spec.volumes?.find((v) => v.name === 'tls')?.secret).toEqual({
      secretName: 'causeloop-gateway-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }],
    });
    // The gateway reloads renewed files itself: no checksum annotation that would restart it.
    const annotations = (findObject(rendered.production, 'Deployment', 'causeloop-api-gateway')['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(Object.keys(annotations).filter((key) => key.startsWith('checksum/'))).toEqual([]);
    // Probes stay on the ops port (plain HTTP).
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'ops' });
    const service = findObject(rendered.production, 'Service', 'causeloop-api-gateway')['spec'] as { ports: { name: string; port: number; targetPort: string }[] };
    expect(service.ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['https:8443->https', 'ops:9090->ops']);
    const policy = findObject(rendered.production, 'NetworkPolicy', 'causeloop-api-gateway')['spec'] as { ingress: { ports: { port: number }[] }[] };
    expect(policy.ingress.map((rule) => rule.ports[0]!.port)).toEqual([8443, 9090]); // 8080 is not opened
    // Ingress and HTTPRoute (every-component values) send traffic to the https port.
    const ingress = findObject(rendered.all, 'Ingress', 'causeloop-api-gateway')['spec'] as { rules: { http: { paths: { backend: { service: { port: object } } }[] } }[] };
    expect(ingress.rules[0]!.http.paths[0]!.backend.service.port).toEqual({ name: 'https' });
    const route = findObject(rendered.all, 'HTTPRoute', 'causeloop-api-gateway')['spec'] as { rules: { backendRefs: { port: number }[] }[] };
    expect(route.rules[0]!.backendRefs[0]!.port).toBe(8443);
    // The schema: exact origins only (no wildcard, no path), like env.origins.
    const schema = renderChartError({ set: ['apiGateway.corsOrigins[0]=https://*.example.com', 'apiGateway.corsOrigins[1]=https://app.example.com/path', 'apiGateway.tls.secret=x'] });
    expect(schema).toContain("at '/apiGateway/corsOrigins/0'");
    expect(schema).toContain("at '/apiGateway/corsOrigins/1'");
    expect(schema).toContain("additional properties 'secret' not allowed");
  });

  it('gives tenancy its database URL, the assertion public key, its keys from Secrets and its settings, and refuses missing or development keys under production', () => {
    const container = podSpec(findObject(rendered.default, 'Deployment', 'causeloop-tenancy')).containers[0]!;
    expect(container.ports?.map((p) => `${p.name}:${p.containerPort}`)).toEqual(['grpc:50051', 'ops:9090']);
    expect(container.env).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'OPS_PORT', value: '9090' },
      { name: 'GRPC_PORT', value: '50051' },
      { name: 'SHUTDOWN_DRAIN_MS', value: '10000' },
      { name: 'OTEL_SERVICE_NAME', value: 'causeloop-tenancy' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'causeloop-database', key: 'DATABASE_URL' } } },
      { name: 'PRINCIPAL_ASSERTION_PUBLIC_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-assertion-key', key: 'public-key.pem' } } },
      { name: 'OPERATOR_TOKEN_SHA256', value: '' },
      { name: 'RETENTION_PURGE_INTERVAL_MS', value: '3600000' },
      { name: 'CURSOR_SIGNING_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-tenancy', key: 'CURSOR_SIGNING_KEY' } } },
      { name: 'GOVERNANCE_SIGNING_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-tenancy', key: 'GOVERNANCE_SIGNING_KEY' } } },
      { name: 'LEADER_ELECTION', value: 'kubernetes' },
      { name: 'LEADER_ELECTION_LEASE', value: 'causeloop-tenancy' },
      { name: 'LEADER_ELECTION_LEASE_DURATION_MS', value: '15000' },
      { name: 'LEADER_ELECTION_RENEW_INTERVAL_MS', value: '5000' },
      { name: 'AUTH_GRPC_ADDR', value: 'dns:///causeloop-auth.causeloop.svc.cluster.local:50051' },
      { name: 'CRYPTO_GRPC_ADDR', value: 'dns:///causeloop-crypto.causeloop.svc.cluster.local:50051' },
    ]);
    // It never gets auth's private key: no key file, no mount of the assertion Secret.
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(findObject(rendered.default, 'Service', 'causeloop-tenancy')['spec']).toMatchObject({ clusterIP: 'None' });

    // Chart-created Secrets (contract values): the public key beside auth's private key, tenancy's keys, a checksum that rolls tenancy.
    const assertion = findObject(rendered.contract, 'Secret', 'causeloop-assertion-key')['stringData'] as Record<string, string>;
    expect(Object.keys(assertion)).toEqual(['private-key.pem', 'public-key.pem']);
    expect(assertion['public-key.pem']).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const secrets = findObject(rendered.contract, 'Secret', 'causeloop-tenancy')['stringData'] as Record<string, string>;
    expect(Object.keys(secrets)).toEqual(['CURSOR_SIGNING_KEY', 'GOVERNANCE_SIGNING_KEY']);
    const annotations = (findObject(rendered.contract, 'Deployment', 'causeloop-tenancy')['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(annotations['checksum/tenancy-secrets']).toMatch(/^[0-9a-f]{64}$/);
    // Development values: no keys, so no Secret and no env for them (tenancy falls back, outside production only).
    const dev = podSpec(findObject(rendered.dev, 'Deployment', 'causeloop-tenancy')).containers[0]!.env!.map((e) => e.name);
    expect(dev).not.toContain('CURSOR_SIGNING_KEY');
    expect(dev).not.toContain('GOVERNANCE_SIGNING_KEY');
    expect(rendered.dev.some((o) => o.kind === 'Secret' && o.metadata.name === 'causeloop-tenancy')).toBe(false);

    // Refused: missing keys under production, a short cursor key, the published development governance key, no Secret at all.
    const contract = ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile];
    const missing = renderChartError({ valuesFiles: ['charts/causeloop/test/contract-values.yaml'], set: ['tenancy.secrets.cursorSigningKey=short'] });
    expect(missing).toContain('tenancy.secrets.cursorSigningKey must be at least 32 characters');
    expect(missing).toContain('tenancy.secrets.governanceSigningKey is empty, which tenancy refuses under environment=production');
    const developmentKey = /developmentGovernanceSigningKeyPem = `([^`]+)`/.exec(readFileSync(path.join(repositoryRoot, 'services/tenancy/src/certificates/signing-key.ts'), 'utf8'))![1]!;
    const devKeyFile = path.join(mkdtempSync(path.join(tmpdir(), 'causeloop-values-')), 'dev-governance-key.yaml');
    writeFileSync(devKeyFile, stringify({ tenancy: { secrets: { governanceSigningKey: developmentKey } } }));
    expect(renderChartError({ valuesFiles: [...contract, devKeyFile] })).toContain('tenancy.secrets.governanceSigningKey is the published development key');
    expect(findObject(renderChart({ valuesFiles: [...contract, devKeyFile], set: ['environment=development'] }), 'Secret', 'causeloop-tenancy')).toBeDefined();
    expect(renderChartError({ set: ['tenancy.secrets.existingSecret='] })).toContain('tenancy needs CURSOR_SIGNING_KEY and GOVERNANCE_SIGNING_KEY');
    const schema = renderChartError({ set: ['tenancy.operatorTokenSha256[0]=not-a-hash', 'tenancy.retentionPurgeIntervalMs=-1', 'assertionKey.publicKey=not-a-key'] });
    expect(schema).toContain("at '/tenancy/operatorTokenSha256/0'");
    expect(schema).toContain("at '/tenancy/retentionPurgeIntervalMs': minimum: got -1, want 0");
    expect(schema).toContain("at '/assertionKey/publicKey'");
  });

  it('gives insights its database URL, the assertion public key, its cursor key from a Secret and AUTH_GRPC_ADDR, admits the gateway and clientsFrom, and refuses a missing key under production', () => {
    const container = podSpec(findObject(rendered.default, 'Deployment', 'causeloop-insights')).containers[0]!;
    expect(container.ports?.map((p) => `${p.name}:${p.containerPort}`)).toEqual(['grpc:50051', 'ops:9090']);
    expect(container.env).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'OPS_PORT', value: '9090' },
      { name: 'GRPC_PORT', value: '50051' },
      { name: 'SHUTDOWN_DRAIN_MS', value: '10000' },
      { name: 'OTEL_SERVICE_NAME', value: 'causeloop-insights' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'causeloop-database', key: 'DATABASE_URL' } } },
      { name: 'PRINCIPAL_ASSERTION_PUBLIC_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-assertion-key', key: 'public-key.pem' } } },
      { name: 'INSIGHTS_MINER_MAX_CLUSTERS', value: '5000' },
      { name: 'INSIGHTS_MINER_CACHE_WORKSPACES', value: '256' },
      { name: 'PREDICTION_INTERVAL_MS', value: '3600000' },
      { name: 'PREDICTION_GRACE_MS', value: '3600000' },
      { name: 'JOB_WORKER_CONCURRENCY', value: '10' },
      { name: 'JOB_LEASE_MS', value: '30000' },
      { name: 'JOB_POLL_INTERVAL_MS', value: '1000' },
      { name: 'CURSOR_SIGNING_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-insights', key: 'CURSOR_SIGNING_KEY' } } },
      // The offline provider by default: named, so no key reaches the pod and nothing goes out.
      { name: 'LLM_PROVIDER', value: 'offline' },
      { name: 'LLM_TIMEOUT_MS', value: '30000' },
      { name: 'LLM_MAX_RETRIES', value: '1' },
      { name: 'LLM_MAX_OUTPUT_TOKENS', value: '2000' },
      { name: 'LLM_WORKSPACE_CONCURRENCY', value: '2' },
      { name: 'LEADER_ELECTION', value: 'kubernetes' },
      { name: 'LEADER_ELECTION_LEASE', value: 'causeloop-insights' },
      { name: 'LEADER_ELECTION_LEASE_DURATION_MS', value: '15000' },
      { name: 'LEADER_ELECTION_RENEW_INTERVAL_MS', value: '5000' },
      { name: 'AUTH_GRPC_ADDR', value: 'dns:///causeloop-auth.causeloop.svc.cluster.local:50051' },
    ]);
    // Nothing of auth's or crypto's secrets: no key file, no KEK.
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(findObject(rendered.default, 'Service', 'causeloop-insights')['spec']).toMatchObject({ clusterIP: 'None' });

    // Chart-created Secret (contract values): the cursor key alone, and a checksum that rolls insights.
    const secret = findObject(rendered.contract, 'Secret', 'causeloop-insights')['stringData'] as Record<string, string>;
    expect(Object.keys(secret)).toEqual(['CURSOR_SIGNING_KEY']);
    expect(Buffer.byteLength(secret['CURSOR_SIGNING_KEY']!)).toBeGreaterThanOrEqual(32);
    const annotations = (findObject(rendered.contract, 'Deployment', 'causeloop-insights')['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(annotations['checksum/insights-secrets']).toMatch(/^[0-9a-f]{64}$/);
    // Development values: no key, so no Secret and no env for it (insights falls back, outside production only).
    expect(podSpec(findObject(rendered.dev, 'Deployment', 'causeloop-insights')).containers[0]!.env!.map((e) => e.name)).not.toContain('CURSOR_SIGNING_KEY');
    expect(rendered.dev.some((o) => o.kind === 'Secret' && o.metadata.name === 'causeloop-insights')).toBe(false);

    type Policy = {
      ingress: { from: { podSelector?: { matchExpressions?: { values: string[] }[] }; namespaceSelector?: object }[]; ports: { port: number }[] }[];
      egress: { to?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports: { port: number }[] }[];
    };
    // gRPC from the gateway and operator pods; out to DNS, auth and the database only.
    const policy = findObject(rendered.default, 'NetworkPolicy', 'causeloop-insights')['spec'] as Policy;
    expect(policy.ingress.map((rule) => rule.ports.map((p) => p.port))).toEqual([[50051], [9090]]);
    expect(policy.ingress[0]!.from[0]!.podSelector?.matchExpressions?.[0]?.values).toEqual(['api-gateway', 'operator']);
    expect(policy.egress.map((rule) => rule.ports[0]!.port)).toEqual([53, 50051, 5432, 443]); // 443: the API server (its Lease)
    expect(policy.egress[1]!.to![0]!.podSelector?.matchLabels?.['app.kubernetes.io/component']).toBe('auth');
    // networkPolicy.clientsFrom (every-component values) admits workloads calling its public APIs over gRPC, and tenancy's too; never auth's or crypto's.
    const reporting = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'reporting' } } }];
    for (const name of ['causeloop-insights', 'causeloop-tenancy']) {
      const all = findObject(rendered.all, 'NetworkPolicy', name)['spec'] as Policy;
      expect(all.ingress[1], name).toEqual({ from: reporting, ports: [{ protocol: 'TCP', port: 50051 }] });
    }
    for (const name of ['causeloop-auth', 'causeloop-crypto']) {
      expect(JSON.stringify(findObject(rendered.all, 'NetworkPolicy', name)['spec']), name).not.toContain('reporting');
    }

    // Refused: a missing key under production, a short key, no Secret at all.
    expect(renderChartError({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile], set: ['insights.secrets.cursorSigningKey='] }))
      .toContain('insights.secrets.cursorSigningKey is empty, which insights refuses under environment=production');
    expect(renderChartError({ valuesFiles: ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile], set: ['insights.secrets.cursorSigningKey=short'] }))
      .toContain('insights.secrets.cursorSigningKey must be at least 32 characters');
    expect(renderChartError({ set: ['insights.secrets.existingSecret='] })).toContain('insights needs CURSOR_SIGNING_KEY');
    const schema = renderChartError({ set: ['insights.secrets.cursorSigningKeyKey=a b', 'insights.minerMaxClusters=99', 'insights.minerCacheWorkspaces=0', 'insights.secrets.salt=1'] });
    expect(schema).toContain("at '/insights/secrets/cursorSigningKeyKey'");
    expect(schema).toContain("at '/insights/minerMaxClusters': minimum: got 99, want 100");
    expect(schema).toContain("at '/insights/minerCacheWorkspaces': minimum: got 0, want 1");
    expect(schema).toContain("additional properties 'salt' not allowed");
  });

  it('gives insights the API key of its LLM provider from its Secret only, opens egress to the provider, and refuses a provider without a key source (fail closed)', () => {
    type EnvList = NonNullable<IContainer['env']>;
    type Egress = { to?: object[]; ports: { port: number; protocol: string }[] }[];
    const insightsEnv = (objects: readonly K8sObject[]): EnvList => podSpec(findObject(objects, 'Deployment', 'causeloop-insights')).containers[0]!.env!;
    const insightsEgress = (objects: readonly K8sObject[]) => (findObject(objects, 'NetworkPolicy', 'causeloop-insights')['spec'] as { egress: Egress }).egress;
    const llmNames = (env: EnvList) => env.map((e) => e.name).filter((name) => /^(LLM_|OPENAI_|ANTHROPIC_)/.test(name));
    // Offline (the default): no key, no base URL, and no way out beyond DNS, auth, the database and the API server.
    expect(llmNames(insightsEnv(rendered.default))).toEqual(['LLM_PROVIDER', 'LLM_TIMEOUT_MS', 'LLM_MAX_RETRIES', 'LLM_MAX_OUTPUT_TOKENS', 'LLM_WORKSPACE_CONCURRENCY']);
    expect(insightsEgress(rendered.production).map((rule) => rule.ports[0]!.port)).toEqual([53, 50051, 5432, 443, 4317]); // 443: the API server

    // openai with the chart's Secret: the key goes into the Secret, the Deployment only names it.
    const apiKey = `sk-test-${randomBytes(24).toString('hex')}`;
    const contract = ['charts/causeloop/test/contract-values.yaml', generatedSecretsValuesFile];
    const openai = renderChart({ valuesFiles: contract, set: ['insights.llm.provider=openai', `insights.secrets.openAiApiKey=${apiKey}`, 'insights.llm.models.fast=gpt-test-mini'] });
    const secret = findObject(openai, 'Secret', 'causeloop-insights')['stringData'] as Record<string, string>;
    expect(Object.keys(secret)).toEqual(['CURSOR_SIGNING_KEY', 'OPENAI_API_KEY']);
    expect(secret['OPENAI_API_KEY']).toBe(apiKey);
    const openaiEnv = insightsEnv(openai);
    expect(openaiEnv).toContainEqual({ name: 'LLM_PROVIDER', value: 'openai' });
    expect(openaiEnv).toContainEqual({ name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-insights', key: 'OPENAI_API_KEY' } } });
    expect(openaiEnv).toContainEqual({ name: 'LLM_MODEL_FAST', value: 'gpt-test-mini' });
    expect(llmNames(openaiEnv).filter((name) => name.startsWith('ANTHROPIC_') || name.endsWith('_BASE_URL'))).toEqual([]);
    for (const object of openai.filter((o) => o.kind !== 'Secret')) expect(JSON.stringify(object), `${object.kind}/${object.metadata.name}`).not.toContain(apiKey);
    // The pods roll when the key changes (insights reads it at start only).
    const checksum = (objects: readonly K8sObject[]) =>
      (findObject(objects, 'Deployment', 'causeloop-insights')['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['checksum/insights-secrets'];
    const rotated = renderChart({ valuesFiles: contract, set: ['insights.llm.provider=openai', `insights.secrets.openAiApiKey=${apiKey}-rotated`] });
    expect(checksum(rotated)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(rotated)).not.toBe(checksum(openai));
    // Out to OpenAI's API: port 443 to any destination unless networkPolicy.llmProviderTo narrows it.
    expect(insightsEgress(openai).at(-2)).toEqual({ ports: [{ port: 443, protocol: 'TCP' }] });
    for (const name of ['causeloop-auth', 'causeloop-tenancy', 'causeloop-api-gateway', 'causeloop-crypto']) {
      expect(findObject(openai, 'NetworkPolicy', name)['spec'], name).toEqual(findObject(rendered.contract, 'NetworkPolicy', name)['spec']);
    }

    // anthropic from an existing Secret under the operator's own key name, through a proxy on its own port.
    const anthropic = renderChart({
      valuesFiles: ['charts/causeloop/ci/production-values.yaml'],
      set: [
        'insights.llm.provider=anthropic', 'insights.secrets.anthropicApiKeyKey=anthropic-api-key',
        'insights.llm.anthropicBaseUrl=http://llm-proxy.ai.svc.cluster.local:8080', 'insights.llm.openAiBaseUrl=https://ignored.example',
        'networkPolicy.llmProviderTo[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=ai',
      ],
    });
    const anthropicEnv = insightsEnv(anthropic);
    expect(llmNames(anthropicEnv)).toEqual([
      'LLM_PROVIDER', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'LLM_TIMEOUT_MS', 'LLM_MAX_RETRIES', 'LLM_MAX_OUTPUT_TOKENS', 'LLM_WORKSPACE_CONCURRENCY',
    ]);
    expect(anthropicEnv).toContainEqual({ name: 'ANTHROPIC_API_KEY', valueFrom: { secretKeyRef: { name: 'causeloop-insights', key: 'anthropic-api-key' } } });
    expect(anthropicEnv).toContainEqual({ name: 'ANTHROPIC_BASE_URL', value: 'http://llm-proxy.ai.svc.cluster.local:8080' });
    expect(anthropic.some((o) => o.kind === 'Secret')).toBe(false); // brought by the operator
    expect(insightsEgress(anthropic)).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ai' } } }], ports: [{ port: 8080, protocol: 'TCP' }],
    });

    // Fail closed: a remote provider without a key source, as insights refuses LLM_PROVIDER without the key.
    expect(renderChartError({ valuesFiles: contract, set: ['insights.llm.provider=openai'] }))
      .toContain('insights.llm.provider is openai but insights.secrets.openAiApiKey is empty, and insights refuses to start without OPENAI_API_KEY');
    expect(renderChartError({ set: ['insights.llm.provider=anthropic', 'insights.secrets.existingSecret='] }))
      .toContain('insights.llm.provider is anthropic but no Secret holds ANTHROPIC_API_KEY');
    // A key for a provider that is not chosen would sit unused, where insights alone would have picked it.
    expect(renderChartError({ valuesFiles: contract, set: [`insights.secrets.anthropicApiKey=${apiKey}`] }))
      .toContain('insights.secrets.anthropicApiKey is set but insights.llm.provider is offline, so insights would never use it');
    // Never a key in plain values: a component's env may not carry one.
    const plain = renderChartError({ set: [`components.insights.env.OPENAI_API_KEY=${apiKey}`, 'componentDefaults.env.DATABASE_URL=postgres://x'] });
    expect(plain).toContain('components.insights.env sets OPENAI_API_KEY, a secret, in plain values');
    expect(plain).toContain('components.auth.env sets DATABASE_URL, a secret, in plain values');
    expect(plain).not.toContain(apiKey);

    const schema = renderChartError({
      set: [
        'insights.llm.provider=gemini', 'insights.llm.openAiBaseUrl=ftp://x', 'insights.llm.models.deep=two words', 'insights.llm.timeoutMs=99',
        'insights.llm.maxRetries=6', 'insights.jobWorkerConcurrency=0', 'insights.jobLeaseMs=999', 'insights.predictionIntervalMs=-1',
        'insights.secrets.openAiApiKeyKey=a b', 'insights.llm.apiKey=sk-x',
      ],
    });
    expect(schema).toMatch(/at '\/insights\/llm\/provider': value must be one of 'offline', 'openai', 'anthropic'/);
    for (const at of ['llm/openAiBaseUrl', 'llm/models/deep', 'llm/timeoutMs', 'llm/maxRetries', 'jobWorkerConcurrency', 'jobLeaseMs', 'predictionIntervalMs', 'secrets/openAiApiKeyKey']) {
      expect(schema).toContain(`at '/insights/${at}'`);
    }
    expect(schema).toContain("additional properties 'apiKey' not allowed");
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
    for (const kind of ['Ingress', 'HTTPRoute']) expect(rendered.default.some((o) => o.kind === kind)).toBe(false); // off unless asked for
    const withoutGateway = renderChart({ set: ['components.api-gateway.enabled=false', 'ingress.enabled=false'] });
    expect(withoutGateway.some((o) => o.metadata.name === 'causeloop-api-gateway')).toBe(false);
    expect(renderChartError({ set: ['components.api-gateway.enabled=false', 'httpRoute.enabled=true'] })).toContain('httpRoute.enabled needs components.api-gateway.enabled');
    expect(findObject(rendered.all, 'Service', 'causeloop-api-gateway')['spec']).toMatchObject({ type: 'ClusterIP' });
    expect(findObject(rendered.all, 'Ingress', 'causeloop-api-gateway')).toBeDefined();
    expect(findObject(rendered.all, 'HTTPRoute', 'causeloop-api-gateway')).toBeDefined();
    const urls = (objects: readonly K8sObject[]) => podSpec(findObject(objects, 'Pod', 'causeloop-test-ready')).containers[0]!.args!.filter((a) => a.startsWith('http'));
    expect(urls(rendered.default)).toEqual([
      'http://causeloop-api-gateway.causeloop.svc.cluster.local:9090/ready', // issue 10: the gateway's readiness too
      'http://causeloop-auth.causeloop.svc.cluster.local:9090/ready',
      'http://causeloop-crypto.causeloop.svc.cluster.local:9090/ready',
      'http://causeloop-insights.causeloop.svc.cluster.local:9090/ready',
      'http://causeloop-tenancy.causeloop.svc.cluster.local:9090/ready',
    ]);
    expect(urls(rendered.all)).toHaveLength(5);
    expect(urls(rendered.all)).toContain('http://causeloop-api-gateway.causeloop.svc.cluster.local:9090/ready');
    const tenancyEnv = podSpec(findObject(rendered.all, 'Deployment', 'causeloop-tenancy')).containers[0]!.env!;
    expect(tenancyEnv).toContainEqual({ name: 'CRYPTO_GRPC_ADDR', value: 'dns:///causeloop-crypto.causeloop.svc.cluster.local:50051' });
  });
});
