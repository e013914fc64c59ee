import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '@causeloop/platform/db';
import { fingerprintOf, groupRecord, type MinerChange, type RecordGrouping } from '../grouping/index.js';
import type { InsightsDeps } from '../deps.js';
import { applyPatternTransitions } from '../loop/pattern-transitions.js';
import type { IssueUpsert, UpsertedIssue } from '../stores/issue-store.js';
import type { RouteRow } from '../stores/pattern-route-store.js';
import type { NewPattern, PatternDelta } from '../stores/pattern-store.js';
import type { CheckedRecord } from './failure-record.js';

// Storing a batch of checked records, inside the caller's transaction:
//
//  1. take the workspace's grouping lock (one batch, merge or split at a time per workspace,
//     across replicas), read the miner's stored version and rebuild this replica's miner from
//     the stored clusters when it is missing or at another version;
//  2. group every record in memory (template, fingerprint, explanation);
//  3. route each fingerprint: its stored route (re-pointed by merges and splits), else a
//     route derived from a template the miner just replaced (so a generalised template
//     stays in its pattern), else a new `emerging` pattern;
//  4. write: new patterns, new routes, every issue in one statement, the patterns' figures in
//     one (a pattern that became active opens or closes a loop: loop/pattern-transitions.ts),
//     and the miner's changed clusters with a new version in one.
//
// The miner is taken out of the cache while the batch runs and put back by `commit()` once
// the transaction committed; a batch that rolls back leaves no miner for the workspace, and
// the next one rebuilds it from the database.

/** What happened to one record of the batch. */
export interface StoredRecord {
  readonly issueId: string;
  readonly created: boolean;
  /** Empty when the issue was unlinked by hand (a repeat keeps it out). */
  readonly patternId: string;
  readonly grouping: {
    readonly template: string;
    readonly slots: { kind: string; value: string }[];
    readonly rule: string;
    readonly fingerprint: string;
  };
}

export interface StoredBatch {
  /** One per record given, in order; records repeating (source, external_id) share the last one's issue. */
  readonly stored: readonly StoredRecord[];
  /** What the miner did with each record it grouped. */
  readonly decisions: readonly MinerChange[];
  /** Jobs queued for patterns that became active (their analysis). */
  readonly queuedJobs: number;
  /** Keeps the workspace's miner, at the version just written: call once the transaction committed. */
  commit(): void;
}

type StoreDeps = Pick<InsightsDeps, 'clock' | 'issues' | 'patterns' | 'routes' | 'minerState' | 'miners' | 'loops' | 'outbox' | 'recommendations'>;

const keyOf = (record: { readonly source: string }, externalId: string) => `${record.source}\u0000${externalId}`;

export async function storeRecords(
  deps: StoreDeps,
  client: TenantClient,
  workspaceId: string,
  records: readonly CheckedRecord[],
): Promise<StoredBatch> {
  if (records.length === 0) return { stored: [], decisions: [], queuedJobs: 0, commit: () => undefined };

  // A (source, external_id) given twice: the later record wins, both answer with its issue.
  const last = new Map<string, number>();
  records.forEach((record, index) => last.set(keyOf(record, record.externalId), index));
  const winners = [...last.values()].sort((a, b) => a - b).map((index) => records[index]!);

  // 1. The miner, current with the database.
  await deps.minerState.lockGrouping(client);
  const stored = await deps.minerState.version(client);
  const cached =
    deps.miners.current(workspaceId, stored.version) ??
    deps.miners.rebuild(workspaceId, { ...stored, clusters: await deps.minerState.clusters(client) });
  deps.miners.discard(workspaceId);
  const { miner } = cached;

  // 2. Group.
  const groupings = winners.map((record) => groupRecord(miner, record));
  const snapshot = miner.snapshot();
  const present = new Set(snapshot.clusters.map((cluster) => cluster.id));
  const touched = new Set(groupings.map((grouping) => grouping.clusterId));

  // 3. Route.
  const replaced = [...new Set(groupings.flatMap((grouping) => grouping.replacedTemplates))];
  const known = await deps.routes.find(client, { fingerprints: [...new Set(groupings.map((grouping) => grouping.fingerprint))], templates: replaced });
  const plan = planRoutes(known, winners, groupings);
  await deps.patterns.insertMany(client, plan.newPatterns);
  await deps.routes.insertMany(client, plan.newRoutes);

  // 4. Issues, in one statement.
  const rows: IssueUpsert[] = winners.map((record, index) => {
    const grouping = groupings[index]!;
    const route = plan.routes.get(grouping.fingerprint)!;
    return {
      id: uuidv7(),
      source: record.source,
      external_id: record.externalId,
      title: record.title,
      body: record.body,
      severity: record.severity,
      service: record.service,
      component: record.component,
      url: record.url,
      attributes: record.attributes,
      occurred_at: record.occurredAt.toISOString(),
      fingerprint: grouping.fingerprint,
      template: grouping.explanation.template,
      slots: grouping.explanation.slots,
      grouping_rule: route.rule === 'template' ? grouping.explanation.rule : route.rule,
      pattern_id: route.pattern_id,
    };
  });
  const upserted = new Map((await deps.issues.upsertBatch(client, rows)).map((row) => [keyOf(row, row.external_id), row]));

  // 5. The patterns' figures and what a change of status does to their loops, and the miner's clusters.
  const transitions = await deps.patterns.applyIngest(client, patternDeltas(winners, upserted, plan.templateChanges));
  const { queuedJobs } = await applyPatternTransitions(deps, client, workspaceId, transitions, deps.clock());
  const version = await deps.minerState.save(client, {
    changed: snapshot.clusters.filter((cluster) => touched.has(cluster.id)),
    removed: [...cached.clusterIds].filter((id) => !present.has(id)),
    nextClusterId: snapshot.nextClusterId,
  });

  const byKey = new Map(
    winners.map((record, index) => {
      const key = keyOf(record, record.externalId);
      const row = upserted.get(key)!;
      const grouping = groupings[index]!;
      const result: StoredRecord = {
        issueId: row.id,
        created: row.created,
        patternId: row.pattern_id ?? '',
        grouping: {
          template: grouping.explanation.template,
          slots: grouping.explanation.slots.map((slot) => ({ kind: slot.kind, value: slot.value })),
          rule: row.grouping_rule,
          fingerprint: grouping.fingerprint,
        },
      };
      return [key, result];
    }),
  );
  return {
    stored: records.map((record) => byKey.get(keyOf(record, record.externalId))!),
    decisions: groupings.map((grouping) => grouping.change),
    queuedJobs,
    commit: () => deps.miners.saved(workspaceId, miner, version, present),
  };
}

interface RoutePlan {
  /** Every fingerprint of the batch, routed. */
  readonly routes: ReadonlyMap<string, RouteRow>;
  readonly newRoutes: readonly RouteRow[];
  readonly newPatterns: readonly NewPattern[];
  /** Patterns whose template the miner generalised: the templates it replaced, and the new one. */
  readonly templateChanges: ReadonlyMap<string, { readonly template: string; readonly replaced: readonly string[] }>;
}

/**
 * Routes every grouped record, in batch order. A template the miner replaced (generalised,
 * or folded into another) takes its routes along: the new template, in the same service and
 * component, routes where the old one did, rule and all, so a merge or split made on the
 * old template holds for the new one.
 */
function planRoutes(known: readonly RouteRow[], records: readonly CheckedRecord[], groupings: readonly RecordGrouping[]): RoutePlan {
  const routes = new Map(known.map((route) => [route.fingerprint, route]));
  const byTemplate = new Map<string, RouteRow[]>();
  const newRoutes: RouteRow[] = [];
  const newPatterns: NewPattern[] = [];
  const templateChanges = new Map<string, { template: string; replaced: string[] }>();
  const file = (route: RouteRow) => {
    const list = byTemplate.get(route.template);
    if (list === undefined) byTemplate.set(route.template, [route]);
    else list.push(route);
  };
  for (const route of known) file(route);
  const add = (route: RouteRow) => {
    routes.set(route.fingerprint, route);
    newRoutes.push(route);
    file(route);
  };

  records.forEach((record, index) => {
    const grouping = groupings[index]!;
    const template = grouping.explanation.template;
    for (const old of grouping.replacedTemplates) {
      for (const route of [...(byTemplate.get(old) ?? [])]) {
        const fingerprint = fingerprintOf({ template, service: route.service, component: route.component });
        if (!routes.has(fingerprint)) add({ ...route, fingerprint, template });
        const change = templateChanges.get(route.pattern_id);
        if (change === undefined) templateChanges.set(route.pattern_id, { template, replaced: [old] });
        else {
          change.template = template;
          change.replaced.push(old);
        }
      }
    }
    if (routes.has(grouping.fingerprint)) return;
    const pattern: NewPattern = {
      id: uuidv7(),
      template,
      service: record.service,
      component: record.component,
      first_seen: record.occurredAt.toISOString(),
    };
    newPatterns.push(pattern);
    add({ fingerprint: grouping.fingerprint, pattern_id: pattern.id, rule: 'template', template, service: record.service, component: record.component });
  });
  return { routes, newRoutes, newPatterns, templateChanges };
}

/**
 * Each pattern's share of the batch: issues gained and lost, first and last seen, the most
 * severe severity, and what the recurrence state observes (the times of the issues created).
 */
function patternDeltas(
  records: readonly CheckedRecord[],
  upserted: ReadonlyMap<string, UpsertedIssue>,
  templateChanges: RoutePlan['templateChanges'],
): PatternDelta[] {
  const deltas = new Map<string, { -readonly [K in keyof PatternDelta]: PatternDelta[K] } & { events: string[] }>();
  const delta = (id: string) => {
    let found = deltas.get(id);
    if (found === undefined) {
      found = { id, added: 0, created: 0, first_seen: null, last_seen: null, severity: null, events: [], rebuild: false, template: null, replaced: [] };
      deltas.set(id, found);
    }
    return found;
  };
  for (const record of records) {
    const row = upserted.get(keyOf(record, record.externalId))!;
    const at = record.occurredAt.toISOString();
    if (row.created) {
      const into = delta(row.pattern_id!);
      into.added++;
      into.created++;
      into.events.push(at);
    } else if (row.previous_pattern_id !== row.pattern_id) {
      if (row.previous_pattern_id !== null) {
        const from = delta(row.previous_pattern_id);
        from.added--;
        from.rebuild = true;
      }
      if (row.pattern_id !== null) {
        const into = delta(row.pattern_id);
        into.added++;
        into.rebuild = true;
      }
    } else if (row.pattern_id !== null && row.previous_occurred_at?.getTime() !== record.occurredAt.getTime()) {
      delta(row.pattern_id).rebuild = true;
    }
    if (row.pattern_id === null) continue;
    const into = delta(row.pattern_id);
    if (into.first_seen === null || at < into.first_seen) into.first_seen = at;
    if (into.last_seen === null || at > into.last_seen) into.last_seen = at;
    into.severity = Math.min(into.severity ?? 4, record.severity);
  }
  for (const [id, change] of templateChanges) {
    const into = delta(id);
    into.template = change.template;
    into.replaced = change.replaced;
  }
  return [...deltas.values()];
}
