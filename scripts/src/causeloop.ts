// `npm run causeloop -- <command>`: the operator CLI. Commands:
//   kek status                 the crypto service's keyring (versions, primary, fingerprints)
//   kek generate <version>     a new KEK entry to add to CAUSELOOP_MASTER_KEY
//   kek rotate [--batch-size N]  rewrap every stored data key onto the primary KEK
//   db migrate                 apply db/migrations as the owner (the chart's pre-install Job)
//   operator token             a new operator token and the SHA-256 for tenancy's OPERATOR_TOKEN_SHA256
//   org create --slug … --name … --plan … --seats … --owner-email … [--accept]
//                              provision an organization with its first workspace and owner invitation
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { env, loadConfig, optional } from '@causeloop/platform/config';
import { createPool, migrationsDirectory, runMigrations } from '@causeloop/platform/db';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { generateOperatorToken } from '@causeloop/platform/identity';
import { createLogger } from '@causeloop/platform/log';
import { generateKekEntry } from './kek/generate-kek.js';
import { createOrganization } from './org/create-organization.js';
import { rotateDataKeys } from './kek/rotate-data-keys.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const usage =
  'usage: npm run causeloop -- kek status | kek generate <version> | kek rotate [--batch-size N] | db migrate\n' +
  '  | operator token | org create --slug S --name N --plan free|starter|growth|enterprise --seats N --owner-email E [--accept]';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'batch-size': { type: 'string', default: '100' },
    slug: { type: 'string' },
    name: { type: 'string' },
    plan: { type: 'string', default: 'free' },
    seats: { type: 'string', default: '5' },
    'owner-email': { type: 'string' },
    accept: { type: 'boolean', default: false },
  },
});
const [area, command, argument] = positionals;

const config = loadConfig({
  cryptoAddress: env.string('CRYPTO_GRPC_ADDR', { default: '127.0.0.1:50054' }),
  tenancyAddress: env.string('TENANCY_GRPC_ADDR', { default: '127.0.0.1:50052' }),
  authAddress: env.string('AUTH_GRPC_ADDR', { default: '127.0.0.1:50051' }),
  /** The operator credential for provisioning (clp_op_…); never printed. */
  operatorToken: optional(env.secret('CAUSELOOP_OPERATOR_TOKEN')),
  ownerUrl: optional(env.url('DATABASE_OWNER_URL', { protocols: ['postgres:', 'postgresql:'], secret: true })),
  stateDirectory: env.string('CAUSELOOP_HOME', { default: path.join(repositoryRoot, '.causeloop') }),
  postgresPort: env.port('CAUSELOOP_POSTGRES_PORT', { default: 54329 }),
});

/** DATABASE_OWNER_URL, or the owner of the database `npm start` runs, said out loud. */
function ownerUrl(): string {
  if (config.ownerUrl !== undefined) return config.ownerUrl;
  const secretsFile = path.join(config.stateDirectory, 'secrets.json');
  if (!existsSync(secretsFile)) {
    throw new Error('DATABASE_OWNER_URL is not set (and there is no local npm start install to fall back to)');
  }
  const { ownerPassword } = JSON.parse(readFileSync(secretsFile, 'utf8')) as { ownerPassword: string };
  console.log(`DATABASE_OWNER_URL is not set: using the local npm start database on port ${config.postgresPort}`);
  return `postgres://causeloop_owner:${encodeURIComponent(ownerPassword)}@127.0.0.1:${config.postgresPort}/causeloop`;
}

/** CAUSELOOP_OPERATOR_TOKEN, or the operator token of the local `npm start` install, said out loud (never printed). */
function operatorToken(): string {
  if (config.operatorToken !== undefined) return config.operatorToken;
  const secretsFile = path.join(config.stateDirectory, 'secrets.json');
  const stored = existsSync(secretsFile)
    ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as { operatorToken?: unknown }).operatorToken
    : undefined;
  if (typeof stored !== 'string') {
    throw new Error('CAUSELOOP_OPERATOR_TOKEN is not set (see `operator token`), and there is no local npm start install to fall back to');
  }
  console.log(`CAUSELOOP_OPERATOR_TOKEN is not set: using the local npm start operator token from ${secretsFile}`);
  return stored;
}

async function main(): Promise<void> {
  if (area === 'db' && command === 'migrate') {
    const logger = createLogger({ service: 'migrate' });
    const { applied } = await runMigrations({ connectionString: ownerUrl(), directory: migrationsDirectory(), logger });
    logger.info({ applied }, applied.length === 0 ? 'database schema is up to date' : 'migrations applied');
    return;
  }
  if (area === 'operator' && command === 'token') {
    const { token, sha256 } = generateOperatorToken();
    console.log(`operator token (keep it secret; give it to the CLI as CAUSELOOP_OPERATOR_TOKEN):\n  ${token}`);
    console.log(`configure the tenancy service with:\n  OPERATOR_TOKEN_SHA256=${sha256}`);
    return;
  }
  if (area === 'org' && command === 'create') {
    const seats = Number(values.seats);
    if (values.slug === undefined || values.name === undefined || values['owner-email'] === undefined || !Number.isInteger(seats)) {
      throw new Error(usage);
    }
    await createOrganization({
      tenancyAddress: config.tenancyAddress,
      authAddress: config.authAddress,
      operatorToken: operatorToken(),
      slug: values.slug,
      name: values.name,
      plan: values.plan,
      seats,
      ownerEmail: values['owner-email'],
      accept: values.accept,
      print: (line) => console.log(line),
    });
    return;
  }
  if (area !== 'kek') throw new Error(usage);
  if (command === 'generate') {
    console.log(generateKekEntry(Number(argument)));
    return;
  }
  const crypto = createGrpcClient(CryptoService, { address: config.cryptoAddress, defaultDeadlineMs: 30_000 });
  try {
    if (command === 'status') {
      const status = await crypto.getKeyringStatus({});
      for (const version of status.versions) {
        console.log(`version ${version.version}  fingerprint ${version.fingerprint}${version.primary ? '  (primary)' : ''}`);
      }
      console.log(`keys below version ${status.minDecryptionVersion} no longer unwrap`);
      return;
    }
    if (command !== 'rotate') throw new Error(usage);
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('--batch-size must be 1-10000');
    const ownerPool = createPool({ connectionString: ownerUrl(), applicationName: 'causeloop-kek-rotate', max: 2 });
    try {
      const report = await rotateDataKeys({
        ownerPool,
        crypto,
        batchSize,
        onProgress: (progress) =>
          console.log(
            `rewrapped: ${progress.workspacesDone}/${progress.workspacesTotal} workspaces, ${progress.keysRewrapped} keys`,
          ),
      });
      console.log(
        `done: ${report.keysRewrapped} keys rewrapped onto KEK version ${report.primaryVersion}, ` +
          `${report.keysAlreadyCurrent} already on it, ${report.keysFailed.length} failed`,
      );
      for (const failure of report.keysFailed) {
        console.log(`  failed: workspace ${failure.workspaceId} data key ${failure.dekVersion} (KEK version ${failure.kekVersion})`);
      }
      for (const [version, keys] of [...report.keysByKekVersion].sort(([a], [b]) => a - b)) {
        console.log(`KEK version ${version} wraps ${keys} keys`);
      }
      console.log(
        report.retirableVersions.length === 0
          ? 'no KEK version can be retired yet'
          : `KEK versions nothing depends on any more (safe to retire): ${report.retirableVersions.join(', ')}`,
      );
      if (report.keysFailed.length > 0) process.exitCode = 1;
    } finally {
      await ownerPool.end();
    }
  } finally {
    crypto.close();
  }
}

await main().catch((error: unknown) => {
  console.error(`causeloop: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
