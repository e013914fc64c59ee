import { toJson } from '@bufbuild/protobuf';
import { AuditExportFormat } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { startGovernanceStack, type GovernanceStack, type Person } from '../governance/governance-server.js';

let stack: GovernanceStack;
let workspaceA: string;
let workspaceB: string;
let owner: Person;
let analyst: Person;
let ownerB: Person;

beforeAll(async () => {
  stack = await startGovernanceStack();
  workspaceA = await stack.newWorkspace('A');
  workspaceB = await stack.newWorkspace('B');
  owner = await stack.addPerson(workspaceA, 'owner', 'Olive Owner');
  analyst = await stack.addPerson(workspaceA, 'analyst', 'Ana Analyst');
  ownerB = await stack.addPerson(workspaceB, 'owner', 'Bo Other');
  // Seven entries in ONE transaction share created_at: paging must still order them by id.
  await withTenant(stack.pool, workspaceA, async (client) => {
    for (let index = 0; index < 5; index++) {
      await appendAuditEntry(client, {
        actorId: owner.id,
        actorName: owner.name,
        actorKind: 'user',
        action: 'member.invited',
        targetType: 'invitation',
        targetId: `inv-${index}`,
        after: { email: `guest${index}@example.com`, role: 'viewer' },
        ipAddress: '192.0.2.10',
        traceId: `trace-${index}`,
      });
    }
    await appendAuditEntry(client, { actorKind: 'system', action: 'retention.purged', after: { removed: 3 }, traceId: 'trace-5' });
    await appendAuditEntry(client, {
      actorId: analyst.id,
      actorName: analyst.name,
      actorKind: 'service_account',
      action: 'member_x.changed',
      targetType: 'member',
      targetId: analyst.id,
      traceId: 'trace-6',
    });
  });
  await withTenant(stack.pool, workspaceB, (client) =>
    appendAuditEntry(client, { actorId: ownerB.id, actorName: ownerB.name, actorKind: 'user', action: 'member.invited', traceId: 'trace-b' }),
  );
});

afterAll(async () => {
  await stack?.close();
});

describe('ListAuditEntries', () => {
  it('returns every field the helper recorded, actor kind included', async () => {
    const { data } = await stack.audit.listAuditEntries(
      { workspaceId: workspaceA, filter: { targetId: 'inv-3' } },
      await stack.as(owner, workspaceA),
    );
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      actorId: owner.id,
      actorKind: 'user',
      actorName: 'Olive Owner',
      action: 'member.invited',
      actionCategory: 'member',
      targetType: 'invitation',
      targetId: 'inv-3',
      ipAddress: '192.0.2.10',
      traceId: 'trace-3',
    });
    expect(toJson(ValueSchema, data[0]!.after!)).toEqual({ email: 'guest3@example.com', role: 'viewer' });
  });

  it('filters by actor, by action prefix (taken literally, not as a LIKE pattern), by target and by time', async () => {
    const as = await stack.as(owner, workspaceA);
    const list = async (filter: Record<string, string>) =>
      (await stack.audit.listAuditEntries({ workspaceId: workspaceA, filter, page: { limit: 100 } }, as)).data;
    expect(await list({ actorId: owner.id })).toHaveLength(5);
    expect((await list({ actionPrefix: 'member.' })).map((entry) => entry.action)).toEqual(Array(5).fill('member.invited'));
    // `_` would match any character in LIKE: "member_" must not match "member.invited".
    expect((await list({ actionPrefix: 'member_' })).map((entry) => entry.action)).toEqual(['member_x.changed']);
    expect(await list({ actionPrefix: '%' })).toEqual([]);
    expect(await list({ targetType: 'member', targetId: analyst.id })).toHaveLength(1);
    expect(await list({ createdAfter: '2000-01-01T00:00:00Z', createdBefore: '2999-01-01T00:00:00Z' })).toHaveLength(7);
    expect(await list({ createdBefore: '2000-01-01T00:00:00Z' })).toEqual([]);
    await expect(list({ createdAfter: 'yesterday' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(list({ actorId: 'not-a-uuid' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('pages newest first with signed cursors, without skipping or repeating entries that share a timestamp', async () => {
    const as = await stack.as(owner, workspaceA);
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const { data, page } = await stack.audit.listAuditEntries({ workspaceId: workspaceA, page: { limit: 3, cursor } }, as);
      seen.push(...data.map((entry) => entry.id));
      cursor = page!.nextCursor;
      pages++;
    } while (cursor !== '');
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual([...seen].sort().reverse()); // same created_at: id (UUIDv7) decides, newest first
  });

  it('refuses a cursor that was edited, or made for another filter or workspace', async () => {
    const as = await stack.as(owner, workspaceA);
    const first = await stack.audit.listAuditEntries({ workspaceId: workspaceA, page: { limit: 2 } }, as);
    const cursor = first.page!.nextCursor;
    const raw = Buffer.from(cursor, 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    for (const request of [
      { workspaceId: workspaceA, page: { limit: 2, cursor: raw.toString('base64url') } },
      { workspaceId: workspaceA, filter: { actorId: owner.id }, page: { limit: 2, cursor } },
    ]) {
      await expect(stack.audit.listAuditEntries(request, as)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    await expect(
      stack.audit.listAuditEntries({ workspaceId: workspaceB, page: { limit: 2, cursor } }, await stack.as(ownerB, workspaceB)),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('answers not_found for another workspace, and never shows its entries', async () => {
    const as = await stack.as(owner, workspaceA);
    await expect(stack.audit.listAuditEntries({ workspaceId: workspaceB }, as)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      stack.audit.exportAuditLog({ workspaceId: workspaceB, format: AuditExportFormat.JSON }, as),
    ).rejects.toMatchObject({ code: 'not_found' });
    const { data } = await stack.audit.listAuditEntries({ workspaceId: workspaceA, page: { limit: 100 } }, as);
    expect(data.map((entry) => entry.actorId)).not.toContain(ownerB.id);
  });

  it('needs audit:read (analysts do not hold it) and a principal', async () => {
    await expect(
      stack.audit.listAuditEntries({ workspaceId: workspaceA }, await stack.as(analyst, workspaceA)),
    ).rejects.toMatchObject({ code: 'insufficient_scope' });
    await expect(stack.audit.listAuditEntries({ workspaceId: workspaceA })).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

/** A small RFC 4180 reader, to check the export parses back to what was stored. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += character;
  }
  return rows;
}

describe('ExportAuditLog', () => {
  const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2', '@SUM(A1)', 'Tab\tstart', 'a,b "c"\r\nd'];

  beforeAll(async () => {
    await withTenant(stack.pool, workspaceA, async (client) => {
      for (const [index, name] of hostile.entries()) {
        await appendAuditEntry(client, { actorName: name, actorKind: 'user', action: 'csv.probe', targetId: `\t=${index}`, traceId: 'trace-csv' });
      }
    });
  });

  it('renders CSV that parses back exactly, with formula-like cells neutralised by a leading quote', async () => {
    const as = await stack.as(owner, workspaceA);
    const answer = await stack.audit.exportAuditLog(
      { workspaceId: workspaceA, format: AuditExportFormat.CSV, filter: { actionPrefix: 'csv.' }, page: { limit: 100 } },
      as,
    );
    expect(answer.contentType).toBe('text/csv; charset=utf-8');
    expect(answer.entries).toBe(hostile.length);
    const [header, ...rows] = parseCsv(answer.content);
    expect(header).toEqual([
      'id', 'created_at', 'actor_id', 'actor_kind', 'actor_name', 'action', 'action_category',
      'target_type', 'target_id', 'before', 'after', 'ip_address', 'trace_id',
    ]);
    const names = rows.map((row) => row[header!.indexOf('actor_name')]);
    expect(names.sort()).toEqual(
      ["'+1+1", "'-2", "'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(A1)", 'Tab\tstart', 'a,b "c"\r\nd'].sort(),
    );
    for (const row of rows) {
      expect(row).toHaveLength(header!.length);
      expect(row[header!.indexOf('target_id')]).toMatch(/^'\t=\d$/);
      // No cell a spreadsheet would evaluate.
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('renders JSON lines and pages through everything with the cursor', async () => {
    const as = await stack.as(owner, workspaceA);
    const ids: string[] = [];
    let cursor = '';
    do {
      const answer = await stack.audit.exportAuditLog(
        { workspaceId: workspaceA, format: AuditExportFormat.JSON, page: { limit: 4, cursor } },
        as,
      );
      expect(answer.contentType).toBe('application/x-ndjson');
      const lines = answer.content.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(answer.entries);
      ids.push(...lines.map((line) => line['id'] as string));
      cursor = answer.page!.nextCursor;
    } while (cursor !== '');
    expect(new Set(ids).size).toBe(7 + hostile.length);
  });

  it('refuses an unspecified format', async () => {
    await expect(
      stack.audit.exportAuditLog({ workspaceId: workspaceA }, await stack.as(owner, workspaceA)),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('audit_log stays append-only', () => {
  it('refuses an UPDATE from the app role even when it raises the erasure flag itself', async () => {
    // UPDATE/DELETE/TRUNCATE without the flag are covered by packages/platform/test/db/audit-log.test.ts;
    // this is the new way through that migration 0014 opened for the owner-side erasure.
    await expect(
      withTenant(stack.pool, workspaceA, async (client) => {
        await client.query(`select set_config('causeloop.audit_log_pseudonymise', 'on', true)`);
        return client.query(`update audit_log set actor_name = 'Mallory'`);
      }),
    ).rejects.toThrow(/append-only: UPDATE/);
  });
});
