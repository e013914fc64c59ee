// Leader election between two real processes (the fixture leader-contender.ts, run from the
// built packages), over each backend: a Lease on the fake Lease API server through the real
// client-node client, and a PostgreSQL advisory lock on the test database. Done when: exactly
// one leader at any time, a takeover within the lease duration after kill -9 of the leader,
// and an immediate handover on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startFakeLeaseApiServer, type FakeLeaseApiServer, type TestDatabase } from '../../src/testing/index.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
const fixture = path.join(repositoryRoot, 'packages/platform/test/fixtures/leader-contender.ts');
const leaseDurationMs = 2_000;
const renewIntervalMs = 400;

interface Contender {
  readonly child: ChildProcess;
  /** Each change of leadership, when it happened (the contender's clock, which is ours). */
  readonly changes: { leading: boolean; at: number }[];
  /** When each renewal was logged. */
  readonly renewals: number[];
  readonly output: string[];
  /** Its identity in the election, once it has logged it. */
  readonly identity: Promise<string>;
  readonly exited: Promise<number | null>;
}

function startContender(env: Record<string, string>): Contender {
  const child = spawn(process.execPath, [fixture], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'debug', OPS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let identified: (identity: string) => void = () => undefined;
  const contender: Contender = {
    child,
    changes: [],
    renewals: [],
    output: [],
    identity: new Promise((resolve) => (identified = resolve)),
    exited: new Promise((resolve) => child.once('exit', resolve)),
  };
  child.stderr!.on('data', (chunk: Buffer) => contender.output.push(chunk.toString('utf8')));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    contender.output.push(line);
    const entry = JSON.parse(line) as { message?: string; leading?: boolean; at?: number; time?: string; identity?: string };
    if (entry.message === 'contender ready') identified(entry.identity!);
    if (entry.message === 'leadership changed') contender.changes.push({ leading: entry.leading!, at: entry.at! });
    if (entry.message === 'leadership renewed') contender.renewals.push(Date.parse(entry.time!));
  });
  return contender;
}

const leading = (contender: Contender) => contender.changes.at(-1)?.leading === true;

/** Polls `probe` until it gives a value; the wait bounds nothing the tests assert. */
async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Whether `contender` led at `t`, from its changes; a killed one stops leading when killed. */
function ledAt(contender: Contender, t: number, killedAt = Infinity): boolean {
  if (t >= killedAt) return false;
  let state = false;
  for (const change of contender.changes) if (change.at <= t) state = change.leading;
  return state;
}

/** Samples both timelines every 5 ms from `from` to `to`: how many led at each moment. */
function leaderCounts(contenders: readonly [Contender, Contender], from: number, to: number, killedAt: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (let t = from; t <= to; t += 5) {
    counts.set(t, contenders.filter((contender, index) => ledAt(contender, t, killedAt[index])).length);
  }
  return counts;
}

describe.each(['kubernetes', 'postgres'] as const)('leader election over %s between two real processes', (backend) => {
  let database: TestDatabase;
  let leaseServer: FakeLeaseApiServer | undefined;
  let running: Contender[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    if (backend === 'kubernetes') leaseServer = await startFakeLeaseApiServer();
  });
  afterEach(() => {
    for (const contender of running) contender.child.kill('SIGKILL');
    running = [];
  });
  afterAll(async () => {
    await leaseServer?.close();
    await database.drop();
  });

  function startPair(lease: string): [Contender, Contender] {
    const env: Record<string, string> = {
      DATABASE_URL: database.appUrl,
      LEADER_ELECTION: backend,
      LEADER_ELECTION_LEASE: lease,
      LEADER_ELECTION_LEASE_DURATION_MS: String(leaseDurationMs),
      LEADER_ELECTION_RENEW_INTERVAL_MS: String(renewIntervalMs),
      ...(leaseServer === undefined ? {} : { LEASE_API_SERVER: leaseServer.url, LEASE_API_TOKEN: leaseServer.token, LEASE_NAMESPACE: 'causeloop' }),
    };
    running = [startContender(env), startContender(env)];
    return running as [Contender, Contender];
  }

  it('keeps exactly one leader at any time, and after kill -9 of the leader the other takes over within the lease duration', async () => {
    const lease = `contest-${randomBytes(4).toString('hex')}`;
    const pair = startPair(lease);
    const leader = await until('a leader', () => pair.find(leading));
    const follower = pair.find((contender) => contender !== leader)!;
    const firstLeadAt = leader.changes[0]!.at;
    // Let several renewals pass, then kill the leader half a renewal after one, so its last
    // renewal is known to be before the kill.
    await sleep(5 * renewIntervalMs);
    const renewals = leader.renewals.length;
    await until('a renewal', () => (leader.renewals.length > renewals ? true : undefined));
    await sleep(renewIntervalMs / 2);
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    const takeover = await until('the takeover', () => (leading(follower) ? follower.changes.at(-1)!.at : undefined));
    await sleep(3 * renewIntervalMs);

    expect(takeover - killedAt).toBeLessThanOrEqual(leaseDurationMs);
    expect(follower.changes.filter((change) => change.leading)).toEqual([{ leading: true, at: takeover }]);
    const killed = pair.map((contender) => (contender === leader ? killedAt : Infinity));
    const counts = leaderCounts(pair, firstLeadAt, Date.now() - 50, killed);
    // Never two at once; exactly one throughout, but for the gap between the kill and the takeover.
    expect([...counts].filter(([, count]) => count > 1)).toEqual([]);
    expect([...counts].filter(([t, count]) => count !== 1 && (t < killedAt || t >= takeover))).toEqual([]);
    if (leaseServer !== undefined) {
      const stored = leaseServer.lease('causeloop', lease)!;
      expect(stored.spec.holderIdentity).toBe(await follower.identity);
      expect(stored.spec.leaseTransitions).toBe(1); // created by the first leader (0), taken over once
      expect(stored.spec.leaseDurationSeconds).toBe(leaseDurationMs / 1000);
    }
  }, 60_000);

  it('hands over at once on SIGTERM: the leader releases on its way out and the other leads well before the lease would run out', async () => {
    const lease = `handover-${randomBytes(4).toString('hex')}`;
    const pair = startPair(lease);
    const leader = await until('a leader', () => pair.find(leading));
    const follower = pair.find((contender) => contender !== leader)!;
    await sleep(3 * renewIntervalMs);
    const terminatedAt = Date.now();
    leader.child.kill('SIGTERM');
    const takeover = await until('the takeover', () => (leading(follower) ? follower.changes.at(-1)!.at : undefined));
    expect(await leader.exited).toBe(0);
    const steppedDown = leader.changes.at(-1)!;
    expect(steppedDown.leading).toBe(false);
    // Not before the old leader stepped down…
    expect(takeover).toBeGreaterThanOrEqual(steppedDown.at);
    // …and sooner than waiting out its last renewal (no earlier than a renewal interval
    // before SIGTERM) could have given: the Lease or lock was released, not expired.
    expect(takeover).toBeLessThan(terminatedAt - renewIntervalMs + leaseDurationMs);
    if (leaseServer !== undefined) {
      const stored = leaseServer.lease('causeloop', lease)!;
      expect(stored.spec.holderIdentity).toBe(await follower.identity);
      expect(stored.spec.leaseTransitions).toBe(1);
    }
  }, 60_000);
});

describe('LEADER_ELECTION=kubernetes outside a cluster', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('refuses to start, saying why (fail closed rather than take a lock the pods in the cluster do not)', async () => {
    const contender = startContender({ DATABASE_URL: database.appUrl, LEADER_ELECTION: 'kubernetes', KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(await contender.exited).toBe(1);
    expect(contender.output.join('\n')).toContain('LEADER_ELECTION=kubernetes, but this process is not in a cluster');
  });
});
