// `npm start`: the whole system on one machine. Embedded PostgreSQL (or DATABASE_URL),
// migrations, development secrets, demo data, then every service in this checkout as a
// child process with prefixed logs. Ctrl-C stops everything.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { env, loadConfig, logLevels } from '@causeloop/platform/config';
import { createLogger } from '@causeloop/platform/log';
import { serviceNodeOptions } from '@causeloop/platform/service-process';
import { createChildren } from './child-processes.js';
import { demoOwner, demoWorkspace, seedDemoData } from './demo-data.js';
import { demoAccessToken, waitUntilReady } from './demo-token.js';
import { loadOrCreateDevSecrets } from './dev-secrets.js';
import { prepareLocalDatabase, type LocalDatabase } from './local-database.js';
import { downstreamAddresses, localServices, withPortOffset } from './local-services.js';
import { seedDemoHistory } from './seed-demo-history.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const defaultStateDirectory = path.join(repositoryRoot, '.causeloop');
/** Children get SIGTERM, then SIGKILL after this; the whole stop stays under 10 s. */
const childGraceMs = 7_000;

const config = loadConfig({
  stateDirectory: env.string('CAUSELOOP_HOME', { default: defaultStateDirectory }),
  postgresPort: env.port('CAUSELOOP_POSTGRES_PORT', { default: 54329 }),
  portOffset: env.integer('CAUSELOOP_PORT_OFFSET', { default: 0, min: 0, max: 10_000 }),
  logLevel: env.oneOf('LOG_LEVEL', logLevels, { default: 'info' }),
});
const logger = createLogger({ service: 'runner', level: config.logLevel });
const children = createChildren();
let database: LocalDatabase | undefined;

// Signals are handled from the first moment, so a Ctrl-C during start-up still stops what
// has started; further Ctrl-Cs while stopping are ignored rather than killing the runner
// half-way (which would orphan the database and the services).
let stopping = false;
async function stop(reason: string, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'stopping');
  await children.stopAll(childGraceMs);
  await database?.stop();
  logger.info('stopped');
  process.exit(exitCode);
}
process.on('SIGINT', () => void stop('SIGINT', 0));
process.on('SIGTERM', () => void stop('SIGTERM', 0));

const secrets = await loadOrCreateDevSecrets(config.stateDirectory);
database = await prepareLocalDatabase({
  stateDirectory: config.stateDirectory,
  secrets,
  port: config.postgresPort,
  environment: process.env,
  logger,
}).catch((error: unknown) => {
  // One clear line (a port in use, a missing DATABASE_OWNER_URL), not a stack trace.
  logger.fatal({ err: error }, `npm start could not prepare the database: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
await seedDemoData(database.ownerUrl);

const present = withPortOffset(localServices, config.portOffset).filter((service) =>
  existsSync(path.join(repositoryRoot, 'services', service.name, 'dist/main.js')),
);
const shared = {
  ...process.env,
  NODE_ENV: 'development',
  LOG_LEVEL: config.logLevel,
  DATABASE_URL: database.appUrl,
  ...downstreamAddresses(present),
};
for (const service of present) {
  children.start({
    name: service.name,
    command: process.execPath,
    args: [...serviceNodeOptions, 'dist/main.js'],
    cwd: path.join(repositoryRoot, 'services', service.name),
    env: {
      ...shared,
      OTEL_SERVICE_NAME: service.name,
      OPS_PORT: String(service.opsPort),
      ...(service.grpcPort === undefined ? {} : { GRPC_PORT: String(service.grpcPort) }),
      ...(service.httpPort === undefined ? {} : { HTTP_PORT: String(service.httpPort) }),
      ...service.env(secrets),
    },
  });
}

const lines = [
  '',
  'Causeloop is running.',
  `  database   ${database.description}`,
  `  secrets    ${path.join(config.stateDirectory, 'secrets.json')} (mode 0600)`,
  `  demo       workspace "${demoWorkspace.name}" (${demoWorkspace.id}), owner ${demoOwner.email}`,
  ...present.map(
    (service) =>
      `  ${service.name.padEnd(12)}${service.grpcPort === undefined ? `http://127.0.0.1:${service.httpPort}` : `grpc 127.0.0.1:${service.grpcPort}`}  ops http://127.0.0.1:${service.opsPort}/ready`,
  ),
  present.length === 0 ? '  services   none built in this checkout yet (services/*/src/main.ts)' : '',
  'Press Ctrl-C to stop.',
  '',
];
process.stdout.write(lines.filter((line, index) => line !== '' || index === 0 || index === lines.length - 1).join('\n'));

void children.firstExit.then(({ name, code, signal }) =>
  stop(`${name} exited (${signal ?? `code ${code}`}); see its log lines above`, 1),
);

// A token to try things with, once auth (and the gateway) are ready; their log lines
// interleave above. With insights, the demo workspace's history goes in first.
const auth = present.find((service) => service.name === 'auth');
const gateway = present.find((service) => service.name === 'api-gateway');
const tenancy = present.find((service) => service.name === 'tenancy');
const insights = present.find((service) => service.name === 'insights');

/**
 * Sends the demo history through insights' ingest API as the demo owner (once: a workspace
 * with issues is left alone), and says what happened.
 */
async function demoHistoryLine(insightsGrpcPort: number, insightsOpsPort: number, accessToken: string): Promise<string> {
  try {
    await waitUntilReady('insights', `http://127.0.0.1:${insightsOpsPort}`);
    const seeding = await seedDemoHistory({ insightsAddress: `127.0.0.1:${insightsGrpcPort}`, accessToken });
    if (seeding.kind === 'present') return 'Demo history: already in the demo workspace (sent on its first start).\n';
    const rejected = seeding.rejected === 0 ? '' : `, ${seeding.rejected} rejected (see insights' log)`;
    return `Demo history: ${seeding.sent} failure records of the last 90 days ingested: ${seeding.created} issues in ${seeding.patterns} patterns${rejected}.\n`;
  } catch (error) {
    logger.warn({ err: error }, 'could not send the demo history to insights');
    return '';
  }
}

/**
 * How to provision an organization against this install: the CLI finds the operator token
 * in secrets.json itself (so it is never printed), and is told the ports and home only
 * when they are not its defaults.
 */
function orgCreateHint(tenancyGrpcPort: number, authGrpcPort: number): string {
  const settings = [
    ...(config.portOffset === 0 ? [] : [`TENANCY_GRPC_ADDR=127.0.0.1:${tenancyGrpcPort}`, `AUTH_GRPC_ADDR=127.0.0.1:${authGrpcPort}`]),
    ...(config.stateDirectory === defaultStateDirectory ? [] : [`CAUSELOOP_HOME=${config.stateDirectory}`]),
  ];
  return (
    `Provision an organization (the operator token is in ${path.join(config.stateDirectory, 'secrets.json')}):\n` +
    `  ${[...settings, 'npm run causeloop -- org create'].join(' ')} --slug acme --name "Acme" --plan starter --seats 25 --owner-email ada@acme.example --accept\n`
  );
}
async function printDemoToken(authGrpcPort: number, authOpsPort: number): Promise<void> {
  await waitUntilReady('auth', `http://127.0.0.1:${authOpsPort}`);
  const { accessToken, expiresIn } = await demoAccessToken(`127.0.0.1:${authGrpcPort}`);
  let text =
    `\nDemo owner's access token (${Math.round(expiresIn / 60)} min; sign in again with subject_token "dev:${demoOwner.email}"):\n` +
    `  ${accessToken}\n`;
  if (insights?.grpcPort !== undefined) text += await demoHistoryLine(insights.grpcPort, insights.opsPort, accessToken);
  if (gateway?.httpPort !== undefined) {
    await waitUntilReady('api-gateway', `http://127.0.0.1:${gateway.opsPort}`);
    const base = `http://127.0.0.1:${gateway.httpPort}`;
    text += `Try it:\n  curl -H "Authorization: Bearer ${accessToken}" ${base}/v1/api-tokens/scopes\n`;
    if (tenancy !== undefined) text += `  curl -H "Authorization: Bearer ${accessToken}" ${base}/v1/workspaces/${demoWorkspace.id}\n`;
    if (insights !== undefined) {
      text += `  curl -H "Authorization: Bearer ${accessToken}" "${base}/v1/issues?limit=5"\n`;
      text += `  curl -H "Authorization: Bearer ${accessToken}" "${base}/v1/patterns?limit=5"\n`;
    }
    text += `API description: ${base}/openapi.json (docs at ${base}/docs)\n`;
  }
  if (tenancy?.grpcPort !== undefined) text += orgCreateHint(tenancy.grpcPort, authGrpcPort);
  process.stdout.write(`${text}\n`);
}
if (auth?.grpcPort !== undefined) {
  printDemoToken(auth.grpcPort, auth.opsPort).catch((error: unknown) =>
    logger.warn({ err: error }, 'could not sign the demo owner in'),
  );
}
