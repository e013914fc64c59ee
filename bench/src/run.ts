// `npm run bench`: every figure is printed beside a baseline measured in the same run, on
// the same machine, so numbers from different machines are never compared. Never part of
// `npm test`.
import { benchAuth } from './auth-bench.js';
import { benchCryptoGrpc } from './crypto-grpc-bench.js';
import { benchEnvelope } from './envelope-bench.js';
import { benchGateway } from './gateway-bench.js';
import { benchGrpc } from './grpc-bench.js';
import { benchIngest, benchInsights } from './insights-bench.js';
import { benchListIssues } from './insights-list-bench.js';
import { benchJobQueue } from './job-queue-bench.js';
import { benchPredictions } from './predictions-bench.js';
import { benchTenant } from './tenant-bench.js';

const sections: Record<string, () => Promise<void>> = {
  grpc: benchGrpc,
  tenant: benchTenant,
  envelope: benchEnvelope,
  crypto: benchCryptoGrpc,
  auth: benchAuth,
  gateway: benchGateway,
  insights: benchInsights,
  // Ingest alone: the part of `insights` that needs no million-row database.
  'insights-ingest': benchIngest,
  // Listing issues at 1,000,000 issues: seeds its database once (about 3 GB, a few minutes).
  'insights-list': benchListIssues,
  // The job queue alone (also run by `insights`).
  'insights-queue': benchJobQueue,
  // A predictor run over 10,000 patterns alone (also run by `insights`).
  'insights-predictions': benchPredictions,
};
const selected = process.argv.slice(2);
const unknown = selected.filter((name) => !(name in sections));
if (unknown.length > 0) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`);
  process.exit(2);
}
console.log(`Causeloop benchmarks on Node ${process.version}, ${new Date().toISOString()}`);
for (const name of selected.length > 0 ? selected : Object.keys(sections)) await sections[name]!();
