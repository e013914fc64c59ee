// Runs the helm binary the chart tests need: on PATH, or at .tools/helm/helm
// (scripts/tools/fetch-helm.sh). Helm gets a throwaway HOME and HELM_* directories, so it
// writes nothing into the repository or the user's home.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
export const chartDirectory = path.join(repositoryRoot, 'charts/causeloop');

function findHelm(): string | undefined {
  const local = path.join(repositoryRoot, '.tools/helm/helm');
  if (existsSync(local)) return local;
  const onPath = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
  return onPath.status === 0 ? 'helm' : undefined;
}

export const helmBinary = findHelm();
const helmHome = mkdtempSync(path.join(tmpdir(), 'causeloop-helm-'));
const helmEnv = {
  PATH: process.env.PATH ?? '',
  HOME: helmHome,
  HELM_CACHE_HOME: path.join(helmHome, 'cache'),
  HELM_CONFIG_HOME: path.join(helmHome, 'config'),
  HELM_DATA_HOME: path.join(helmHome, 'data'),
};

/**
 * Skips the chart tests when helm is missing, naming each one; under CI=true a missing
 * helm is a failure instead (CI fetches it in .ci/run, so it is never silently skipped).
 */
export function reportMissingHelm(suite: string, tests: readonly string[]): boolean {
  if (helmBinary !== undefined) return false;
  const message =
    `helm not found (neither on PATH nor at .tools/helm/helm; run scripts/tools/fetch-helm.sh).\n` +
    `Skipping ${suite}:\n${tests.map((name) => `  - ${name}`).join('\n')}`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${message}`);
  console.warn(message);
  return true;
}

export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runHelm(args: readonly string[]): HelmResult {
  if (helmBinary === undefined) throw new Error('helm is missing');
  const result = spawnSync(helmBinary, args, { cwd: repositoryRoot, env: helmEnv, encoding: 'utf8' });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

export interface RenderOptions {
  readonly valuesFiles?: readonly string[];
  readonly set?: readonly string[];
  readonly release?: string;
  readonly namespace?: string;
}

/** `helm template` of the chart; every rendered document, hooks and tests included. */
export function renderChart(options: RenderOptions = {}): K8sObject[] {
  return parseManifests(renderChartText(options));
}

/** `helm template` output as text, exactly as `kubectl apply` would get it. */
export function renderChartText(options: RenderOptions = {}): string {
  const args = [
    'template', options.release ?? 'causeloop', chartDirectory,
    '--namespace', options.namespace ?? 'causeloop',
    '--kube-version', '1.33.0',
    '--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor',
    '--api-versions', 'gateway.networking.k8s.io/v1/HTTPRoute',
  ];
  for (const file of options.valuesFiles ?? []) args.push('--values', path.resolve(repositoryRoot, file));
  for (const value of options.set ?? []) args.push('--set', value);
  const result = runHelm(args);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return result.stdout;
}

/** `helm template` expected to fail; resolves with its error output. */
export function renderChartError(options: RenderOptions = {}): string {
  try {
    renderChart(options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('helm template succeeded, a failure was expected');
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) {
    throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found;
}

export const execHelmVersion = (): string => (helmBinary ? execFileSync(helmBinary, ['version', '--short'], { env: helmEnv, encoding: 'utf8' }).trim() : 'missing');

/**
 * A values file, made fresh for this test run, holding the secrets: auth's real Ed25519
 * assertion key pair (PKCS#8 and SPKI PEM) and a random 48-byte JWT_SECRET; tenancy's
 * random CURSOR_SIGNING_KEY and Ed25519 GOVERNANCE_SIGNING_KEY; insights' random
 * CURSOR_SIGNING_KEY. Nothing private is
 * committed; pass it after a values file that sets the `create` flags.
 */
export const generatedSecretsValuesFile: string = (() => {
  const assertion = generateKeyPairSync('ed25519');
  const governance = generateKeyPairSync('ed25519');
  const file = path.join(helmHome, 'generated-secrets-values.yaml');
  const values = {
    jwt: { secret: randomBytes(48).toString('base64url') },
    assertionKey: {
      privateKey: assertion.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: assertion.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    tenancy: {
      secrets: {
        cursorSigningKey: randomBytes(48).toString('base64url'),
        governanceSigningKey: governance.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    },
    insights: { secrets: { cursorSigningKey: randomBytes(48).toString('base64url') } },
  };
  writeFileSync(file, stringify(values), { mode: 0o600 });
  return file;
})();
