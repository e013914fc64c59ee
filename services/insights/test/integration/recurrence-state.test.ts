import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrationsDirectory, runMigrations, withTenant, type TenantClient } from '@causeloop/platform/db';
import { createSeededRandom } from '@causeloop/platform/random';
import { createTestDatabase, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { createRecurrenceState, observe, stateFromEvents, type RecurrenceState } from '../../src/predictions/index.js';
import { PgPatternStore, type PatternDelta } from '../../src/stores/pattern-store.js';

// The recurrence state kept on patterns (0021) is computed in SQL by
// insights_recurrence_observe, a twin of recurrence-model.ts: these tests hold the two to the
// same numbers (1e-9) through ingest batches (out of order within a batch, late across
// batches), rebuilds (recount) and the migration's backfill.

const minute = 60_000;
const day = 1_440 * minute;
const tolerance = 1e-9;
const patterns = new PgPatternStore();

let database: TestDatabase;
let pool: Pool;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.appUrl, applicationName: 'recurrence-state-test', max: 2 });
  workspaceId = await seedWorkspace(pool, 'recurrence-state');
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** Bursty event times: episodes a few days apart, each of 1 to 5 records within 90 minutes. */
function history(seed: number, start: number, episodes: number): number[] {
  const random = createSeededRandom(seed);
  const events: number[] = [];
  let at = start;
  for (let episode = 0; episode < episodes; episode += 1) {
    at += Math.round(random() * 6 * day) + minute;
    const size = 1 + Math.floor(random() * 5);
    for (let record = 0; record < size; record += 1) events.push(at + Math.round(random() * 90 * minute));
  }
  return events.sort((a, b) => a - b);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

async function storedState(client: TenantClient, id: string): Promise<RecurrenceState> {
  const row = (
    await client.query<{ model_at: Date; model_count: number; model_exposure_days: number; model_last_counted_at: Date | null }>(
      'select model_at, model_count, model_exposure_days, model_last_counted_at from patterns where id = $1',
      [id],
    )
  ).rows[0]!;
  return { at: row.model_at.getTime(), count: row.model_count, exposureDays: row.model_exposure_days, lastCountedAt: row.model_last_counted_at?.getTime() ?? null };
}

function expectSameState(actual: RecurrenceState, expected: RecurrenceState, label: string): void {
  expect(actual.at, label).toBe(expected.at);
  expect(actual.lastCountedAt, label).toBe(expected.lastCountedAt);
  expect(Math.abs(actual.count - expected.count), `${label}: count ${actual.count} vs ${expected.count}`).toBeLessThan(tolerance);
  expect(Math.abs(actual.exposureDays - expected.exposureDays), `${label}: exposure ${actual.exposureDays} vs ${expected.exposureDays}`).toBeLessThan(tolerance);
}

const iso = (at: number) => new Date(at).toISOString();

function delta(id: string, events: readonly number[], rebuild = false): PatternDelta {
  return {
    id,
    added: events.length,
    created: events.length,
    first_seen: iso(Math.min(...events)),
    last_seen: iso(Math.max(...events)),
    severity: 3,
    events: events.map(iso),
    rebuild,
    template: null,
    replaced: [],
  };
}

async function insertIssues(client: TenantClient, patternId: string, times: readonly number[]): Promise<void> {
  await client.query(
    `insert into issues (workspace_id, id, source, external_id, title, fingerprint, template, pattern_id, occurred_at)
     select app_current_tenant(), gen_random_uuid(), 'test', gen_random_uuid()::text, 'Disk full', 'fp', 'Disk full', $1, t
       from unnest($2::timestamptz[]) t`,
    [patternId, times.map(iso)],
  );
}

/** A pattern opened as ingest opens one: first seen at the first record of its first batch. */
async function openPattern(client: TenantClient, firstSeen: number): Promise<string> {
  const id = uuidv7();
  await patterns.insertMany(client, [{ id, template: 'Disk full on <*>', service: 'db', component: 'disk', first_seen: iso(firstSeen) }]);
  return id;
}

describe('the recurrence state kept on a pattern', () => {
  it('equals stateFromEvents after every batch when batches come in time order, each shuffled', async () => {
    const events = history(7, Date.UTC(2025, 0, 1), 60);
    const random = createSeededRandom(11);
    await withTenant(pool, workspaceId, async (client) => {
      const id = await openPattern(client, events[0]!);
      let seen = 0;
      while (seen < events.length) {
        const size = 1 + Math.floor(random() * 12);
        const batch = events.slice(seen, seen + size);
        seen += batch.length;
        await patterns.applyIngest(client, [delta(id, shuffled(batch, random))]);
        const sofar = events.slice(0, seen);
        expectSameState(await storedState(client, id), stateFromEvents(sofar, { since: sofar[0]!, at: sofar.at(-1)! }), `after ${seen} events`);
      }
    });
  });

  it('takes a late event at its decayed weight, as observe does, and a record older than first_seen extends the exposure exactly', async () => {
    const events = history(13, Date.UTC(2025, 2, 1), 40);
    const random = createSeededRandom(17);
    // Every tenth event arrives three batches late; the first event arrives last of all.
    const late = events.filter((_, index) => index > 0 && index % 10 === 0);
    const onTime = events.filter((_, index) => index > 0 && index % 10 !== 0);
    const batches: number[][] = [];
    for (let index = 0; index < onTime.length; index += 5) batches.push(onTime.slice(index, index + 5));
    late.forEach((event, index) => batches[Math.min(batches.length - 1, 3 + index * 2)]!.push(event));
    batches.push([events[0]!]);

    await withTenant(pool, workspaceId, async (client) => {
      const id = await openPattern(client, batches[0]![0]!);
      let expected = createRecurrenceState(batches[0]![0]!);
      const arrived: number[] = [];
      for (const batch of batches) {
        await patterns.applyIngest(client, [delta(id, shuffled(batch, random))]);
        for (const event of [...batch].sort((a, b) => a - b)) expected = observe(expected, event);
        arrived.push(...batch);
        // observe keeps the exposure from the first state; the stored one starts at the earliest record.
        const since = Math.min(...arrived);
        const exposure = stateFromEvents([], { since, at: expected.at }).exposureDays;
        expectSameState(await storedState(client, id), { ...expected, exposureDays: exposure }, `after ${arrived.length} events`);
      }
    });
  });

  it('is rebuilt from the issues when a batch moves issues (rebuild) and by recount', async () => {
    const events = history(19, Date.UTC(2025, 4, 1), 30);
    await withTenant(pool, workspaceId, async (client) => {
      const id = await openPattern(client, events[0]!);
      await insertIssues(client, id, events);
      await patterns.applyIngest(client, [delta(id, [events[3]!], true)]);
      const expected = stateFromEvents(events, { since: events[0]!, at: events.at(-1)! });
      expectSameState(await storedState(client, id), expected, 'rebuilt by ingest');

      await client.query('update patterns set model_count = 0, model_at = null, model_last_counted_at = null where id = $1', [id]);
      await patterns.recount(client, { ids: [id] });
      expectSameState(await storedState(client, id), expected, 'rebuilt by recount');
    });
  });
});

describe('migrations 0021 and 0022', () => {
  it('backfill the state of existing patterns from their issues, with the default half-life', async () => {
    const before = await createTestDatabase({ migrate: false });
    const directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    try {
      const files = (await readdir(migrationsDirectory())).filter((file) => file.endsWith('.sql') && file < '0021');
      await Promise.all(files.map((file) => cp(join(migrationsDirectory(), file), join(directory, file))));
      await runMigrations({ connectionString: before.ownerUrl, directory });

      const app = before.pool({ applicationName: 'recurrence-state-migration', max: 1 });
      const tenant = await seedWorkspace(app, 'backfill');
      const histories = [history(23, Date.UTC(2024, 6, 1), 50), history(29, Date.UTC(2024, 9, 1), 3), []];
      const firstSeen = Date.UTC(2024, 5, 1);
      const ids = await withTenant(app, tenant, async (client) => {
        const made: string[] = [];
        for (const events of histories) {
          const id = uuidv7();
          await client.query(
            `insert into patterns (workspace_id, id, template, status, first_seen, last_seen) values (app_current_tenant(), $1, 'Disk full', 'active', $2, $2)`,
            [id, new Date(firstSeen)],
          );
          await insertIssues(client, id, events);
          made.push(id);
        }
        return made;
      });

      await runMigrations({ connectionString: before.ownerUrl, directory: migrationsDirectory() });
      await withTenant(app, tenant, async (client) => {
        for (const [index, events] of histories.entries()) {
          const at = Math.max(firstSeen, ...events);
          expectSameState(await storedState(client, ids[index]!), stateFromEvents(events, { since: firstSeen, at }), `pattern ${index}`);
        }
      });
      const forced = await app.query<{ forced: boolean }>(
        `select bool_and(relforcerowsecurity) as forced from pg_class where relname in ('patterns', 'issues') and relnamespace = 'public'::regnamespace`,
      );
      expect(forced.rows[0]!.forced).toBe(true);
    } finally {
      await rm(directory, { recursive: true, force: true });
      await before.drop();
    }
  });
});
