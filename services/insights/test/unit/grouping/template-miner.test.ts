import { describe, expect, it } from 'vitest';
import { createSeededLogCorpus, createTemplateMiner, normalizeMessage, type TemplateMiner, type TemplateMinerSnapshot } from '../../../src/grouping/index.js';
import { createSeededRandom as createRandom } from '@causeloop/platform/random';

const add = (miner: TemplateMiner, text: string) => miner.add(normalizeMessage(text).tokens);

describe('createTemplateMiner', () => {
  it('joins messages that differ in variables, generalising the template and naming the one it replaced', () => {
    const miner = createTemplateMiner();
    const first = add(miner, 'NETDEV WATCHDOG: eth0 (e1000e): transmit queue 0 timed out');
    const second = add(miner, 'NETDEV WATCHDOG: eth1 (e1000e): transmit queue 2 timed out');
    expect(first.change).toBe('created');
    expect(second).toMatchObject({ clusterId: first.clusterId, change: 'generalized', template: 'NETDEV WATCHDOG: <*> (e1000e): transmit queue <num> timed out' });
    expect(second.replaced).toEqual([first.template]);
    expect(add(miner, 'NETDEV WATCHDOG: wlan0 (e1000e): transmit queue 1 timed out')).toMatchObject({ clusterId: first.clusterId, change: 'matched', replaced: [] });
  });

  it('never joins messages whose causes differ, however similar the rest', () => {
    const miner = createTemplateMiner();
    const pairs = [
      ['upstream checkout returned HTTP 503 for GET /v1/orders/1 after 2.5s on edge-1', 'upstream checkout returned HTTP 429 for GET /v1/orders/2 after 80ms on edge-2'],
      ['worker 1 of pool orders crashed with java.lang.NullPointerException at step 7', 'worker 2 of pool orders crashed with java.lang.IllegalStateException at step 9'],
      ['connect to 10.0.0.1:6379 for session cache failed with ECONNREFUSED after 3 tries', 'connect to 10.0.0.2:6379 for session cache failed with ETIMEDOUT after 5 tries'],
    ];
    for (const [a, b] of pairs) expect(add(miner, a!).clusterId).not.toBe(add(miner, b!).clusterId);
  });

  it('keeps templates that differ in one word apart, however many messages each has', () => {
    const miner = createTemplateMiner();
    const clusters = new Set<number>();
    for (let index = 0; index < 50; index++) {
      for (const verb of ['closed', 'reset', 'refused']) clusters.add(add(miner, `Connection to 10.0.${index}.1 ${verb} by peer`).clusterId);
    }
    expect(clusters.size).toBe(3);
    expect(miner.clusterCount).toBe(3);
  });

  it('takes a word position for a variable once it has held enough distinct words, and names the templates it absorbed', () => {
    const miner = createTemplateMiner({ minDistinctWords: 4 });
    const fragments = ['alice', 'bob', 'carol'].map((user, index) => add(miner, `User ${user} logged in from 10.0.0.${index}`));
    expect(new Set(fragments.map((fragment) => fragment.clusterId)).size).toBe(3);
    const merged = add(miner, 'User dave logged in from 10.0.0.9');
    expect(merged).toMatchObject({ change: 'merged', template: 'User <*> logged in from <ip>' });
    expect([...merged.replaced].sort()).toEqual(fragments.map((fragment) => fragment.template).sort());
    expect(miner.clusterCount).toBe(1);
    expect(add(miner, 'User erin logged in from 10.0.0.7')).toMatchObject({ clusterId: merged.clusterId, change: 'matched' });
    // The other word of the message still tells templates apart.
    expect(add(miner, 'User erin logged out from 10.0.0.7').clusterId).not.toBe(merged.clusterId);
  });

  it('never takes the first word for a variable: it names the program or subject', () => {
    const miner = createTemplateMiner();
    const daemons = ['cupsd', 'hcid', 'klogd', 'portmap', 'sdpd', 'syslogd'];
    const clusters = new Set(daemons.map((daemon) => add(miner, `${daemon} startup succeeded`).clusterId));
    expect(clusters.size).toBe(daemons.length);
  });

  it('gives a variable-length list one template whatever its length', () => {
    const miner = createTemplateMiner();
    const fields = ['email', 'phone', 'address', 'zip', 'country', 'birthday', 'lastname', 'firstname'];
    const random = createRandom(42);
    const pick = (count: number) => Math.floor(random() * count);
    const templates = new Set<string>();
    for (let index = 0; index < 600; index++) {
      const items = Array.from({ length: 1 + pick(3) }, () => fields[pick(fields.length)]);
      const mined = add(miner, `Validation failed: missing required fields ${items.join(', ')}`);
      if (index >= 500) templates.add(mined.template);
    }
    expect([...templates]).toEqual(['Validation failed: missing required fields <*>']);
  });

  it('evicts the least recently matched cluster beyond maxClusters', () => {
    const miner = createTemplateMiner({ maxClusters: 3 });
    const disk = add(miner, 'disk full');
    const oom = add(miner, 'kernel out of memory');
    add(miner, 'certificate signed by unknown authority');
    expect(add(miner, 'disk full').clusterId).toBe(disk.clusterId);
    const dns = add(miner, 'no such host');
    expect(dns.evicted).toEqual([oom.clusterId]);
    expect(miner.clusterCount).toBe(3);
    expect(miner.snapshot().clusters.map((cluster) => cluster.id)).not.toContain(oom.clusterId);
    // An evicted template comes back under a new id, and with it its template (and fingerprint).
    const back = add(miner, 'kernel out of memory');
    expect(back).toMatchObject({ change: 'created', template: oom.template });
    expect(back.clusterId).toBeGreaterThan(dns.clusterId);
    expect(back.evicted).toHaveLength(1);
  });

  it('refuses a cap below one cluster', () => {
    expect(() => createTemplateMiner({ maxClusters: 0 })).toThrow(RangeError);
  });
});

describe('snapshot and rebuild', () => {
  const corpus = createSeededLogCorpus({ seed: 1207, messagesPerTemplate: 80 });
  const tokens = corpus.messages.map((message) => normalizeMessage(message).tokens);
  // Early enough that templates are still being found, merged and generalised after it.
  const split = 250;

  it.each([5000, 30])('a miner rebuilt from a JSON snapshot treats every later message as the original does (maxClusters %i)', (maxClusters) => {
    const original = createTemplateMiner({ maxClusters });
    for (const message of tokens.slice(0, split)) original.add(message);
    const saved = JSON.parse(JSON.stringify(original.snapshot())) as TemplateMinerSnapshot;
    expect(saved).toEqual(original.snapshot());
    // Rows come back from a database in any order.
    const rebuilt = createTemplateMiner({ maxClusters, clusters: [...saved.clusters].reverse(), nextClusterId: saved.nextClusterId });
    expect(rebuilt.snapshot()).toEqual(original.snapshot());
    const changes = new Set<string>();
    for (const message of tokens.slice(split)) {
      const expected = original.add(message);
      changes.add(expected.change);
      expect(rebuilt.add(message)).toEqual(expected);
    }
    expect(rebuilt.snapshot()).toEqual(original.snapshot());
    // What followed the snapshot exercised every kind of decision.
    expect([...changes].sort()).toEqual(['created', 'generalized', 'matched', 'merged']);
  });

  it('snapshots plain templates: id, tokens, size, last seen', () => {
    const miner = createTemplateMiner();
    add(miner, 'disk full on /dev/sda1');
    add(miner, 'disk full on /dev/sdb1');
    expect(miner.snapshot()).toEqual({ clusters: [{ id: 1, template: ['disk', 'full', 'on', '<path>'], size: 2, lastSeen: 2 }], nextClusterId: 2 });
  });
});
