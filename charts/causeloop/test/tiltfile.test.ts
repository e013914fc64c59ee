// The Tiltfile, executed with python3 against recording stand-ins for Tilt's API
// (tilt_stub.py): paths exist, resource_deps name resources, port forwards hit container ports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helmBinary, repositoryRoot, reportMissingHelm } from './helm.js';

const skip = reportMissingHelm('Tiltfile tests (charts/causeloop/test/tiltfile.test.ts)', [
  'the Tiltfile wires image, chart, port-forwards and resource_deps',
  'the stand-ins catch a broken Tiltfile',
]);

interface StubReport {
  problems: string[];
  resources: Record<string, string[]>;
  images: string[];
  forwards: Record<string, string[]>;
}
const stub = path.join(import.meta.dirname, 'tilt_stub.py');
const runTiltfile = (tiltfile?: string): StubReport =>
  JSON.parse(execFileSync('python3', [stub, repositoryRoot, helmBinary!, ...(tiltfile ? [tiltfile] : [])], { encoding: 'utf8' })) as StubReport;

describe.skipIf(skip)('Tiltfile', () => {
  it('wires image, chart, port-forwards and resource_deps so migrations run before services', () => {
    const report = runTiltfile();
    expect(report.problems).toEqual([]);
    expect(report.images).toEqual(['causeloop']);
    expect(report.resources['causeloop-migrate']).toContain('causeloop-postgres');
    expect(report.resources['causeloop-crypto']).toContain('causeloop-migrate');
    expect(report.forwards['causeloop-crypto']).toEqual(['50054:50051', '9094:9090']);
    expect(report.resources['causeloop-auth']).toEqual(['causeloop-migrate']);
    expect(report.forwards['causeloop-auth']).toEqual(['50051:50051', '9091:9090']);
    expect(report.resources['causeloop-tenancy']).toEqual(['causeloop-auth', 'causeloop-crypto']);
    expect(report.forwards['causeloop-tenancy']).toEqual(['50052:50051', '9092:9090']);
    // insights on the ports npm start gives it (scripts/src/local-services.ts).
    expect(report.resources['causeloop-insights']).toEqual(['causeloop-auth']);
    expect(report.forwards['causeloop-insights']).toEqual(['50053:50051', '9093:9090']);
    expect(report.resources['causeloop-api-gateway']).toEqual(['causeloop-auth', 'causeloop-tenancy', 'causeloop-insights']);
    expect(report.forwards['causeloop-api-gateway']).toEqual(['8080:8080', '9090:9090']);
    expect(report.resources['causeloop-test-ready']).toEqual([
      'causeloop-crypto', 'causeloop-auth', 'causeloop-tenancy', 'causeloop-insights', 'causeloop-api-gateway',
    ]);
    expect(readFileSync(path.join(repositoryRoot, 'Tiltfile'), 'utf8').split('\n').length).toBeLessThanOrEqual(40);
  });

  it('fails on a missing path, an unknown resource_deps entry and a port forward to no container port', () => {
    const broken = readFileSync(path.join(repositoryRoot, 'Tiltfile'), 'utf8')
      .replace("'9094:9090'", "'9094:9999'")
      .replace("resource_deps=['causeloop-migrate']", "resource_deps=['migrations']")
      .replace("sync('db/migrations'", "sync('db/nowhere'");
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tiltfile-')), 'Tiltfile');
    writeFileSync(file, broken);
    const { problems } = runTiltfile(file);
    expect(problems).toEqual(expect.arrayContaining([
      'path does not exist: db/nowhere',
      'resource_deps of causeloop-crypto names no resource: migrations',
      expect.stringContaining('port forward 9094:9999 of causeloop-crypto matches no container port'),
    ]));
  });
});
