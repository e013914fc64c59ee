import { describe, expect, it } from 'vitest';
import { createTemplateMiner, groupRecord } from '@causeloop/insights/grouping';
import { demoCauses, demoHistory, demoHistoryDays } from '../src/demo-history.js';

const now = new Date('2026-04-18T12:00:00Z');
const day = 86_400_000;
const history = demoHistory({ now });
const count = (values: readonly string[]) => new Set(values).size;

describe('the demo history npm start sends', () => {
  it('is seeded: the same seed and time give the same records, external ids included; another seed other ones', () => {
    expect(demoHistory({ now })).toEqual(history);
    const other = demoHistory({ now, seed: 7 });
    expect(other.map((record) => record.externalId)).not.toEqual(history.map((record) => record.externalId));
  });

  it('is a few hundred records over the last 90 days, oldest first, that one IngestBatch call takes', () => {
    expect(history.length).toBeGreaterThanOrEqual(300);
    expect(history.length).toBeLessThanOrEqual(500); // IngestBatch's limit
    const times = history.map((record) => record.occurredAt.getTime());
    expect(Math.min(...times)).toBeGreaterThan(now.getTime() - demoHistoryDays * day);
    expect(Math.max(...times)).toBeLessThan(now.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Spread over the whole window, not bunched at one end.
    expect(times.filter((time) => time < now.getTime() - 60 * day).length).toBeGreaterThan(50);
    expect(times.filter((time) => time > now.getTime() - 7 * day).length).toBeGreaterThan(20);
  });

  it('comes from several sources and services, with ids, links and fields the ingest API accepts', () => {
    expect(count(history.map((record) => record.source))).toBe(10); // the README says ten
    expect(count(history.map((record) => record.service))).toBeGreaterThanOrEqual(6);
    // Unique per source, the key ingest deduplicates on: sending the history again updates, never adds.
    expect(count(history.map((record) => `${record.source} ${record.externalId}`))).toBe(history.length);
    for (const record of history) {
      expect(record.severity).toMatch(/^(p[1-4]|critical|high|medium|low)$/);
      expect(record.url).toMatch(/^https:\/\/\S+$/);
      expect(record.title.length).toBeGreaterThan(0);
      expect(record.title.length).toBeLessThanOrEqual(500);
      expect(record.externalId.length).toBeLessThanOrEqual(200);
      expect(Object.keys(record.attributes).length).toBeLessThanOrEqual(50);
    }
  });

  it('has 12-20 recurring causes of different frequencies and rhythms, and a tail of one-offs', () => {
    expect(demoCauses.length).toBeGreaterThanOrEqual(12);
    expect(demoCauses.length).toBeLessThanOrEqual(20);
    const counts = demoCauses.map((cause) => cause.count);
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThanOrEqual(5);
    expect(history.filter((record) => record.cause === 'one-off').length).toBeGreaterThanOrEqual(20);

    const daysAgo = (key: string) => history.filter((record) => record.cause === key).map((record) => (now.getTime() - record.occurredAt.getTime()) / day);
    expect(Math.max(...daysAgo('search-reindex-ci'))).toBeLessThan(12); // new this fortnight
    expect(Math.min(...daysAgo('auth-proxy-latency'))).toBeGreaterThan(38); // fixed a month ago
    const deadlocks = daysAgo('orders-deadlock').filter((days) => Math.abs(days - 8) <= 1);
    expect(deadlocks.length).toBeGreaterThanOrEqual(5); // one incident
  });

  it('groups, through the insights grouping, into one pattern per recurring cause and one per one-off', () => {
    const miner = createTemplateMiner();
    const fingerprints = new Map<string, Set<string>>();
    const causesOf = new Map<string, Set<string>>();
    const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => map.set(key, (map.get(key) ?? new Set<V>()).add(value));
    for (const record of history) {
      const { fingerprint } = groupRecord(miner, record);
      add(fingerprints, record.cause === 'one-off' ? `one-off ${record.title}` : record.cause, fingerprint);
      add(causesOf, fingerprint, record.cause);
    }
    // A cause's records share one fingerprint, whatever their values…
    for (const [cause, found] of fingerprints) expect([...found], cause).toHaveLength(1);
    // …and no fingerprint holds two causes: 429 and 503 from one client, for one, stay apart.
    for (const [fingerprint, found] of causesOf) expect([...found], fingerprint).toHaveLength(1);
    expect(fingerprints.get('inventory-429')).not.toEqual(fingerprints.get('inventory-503'));
    expect(causesOf.size).toBe(demoCauses.length + history.filter((record) => record.cause === 'one-off').length);
  });
});
