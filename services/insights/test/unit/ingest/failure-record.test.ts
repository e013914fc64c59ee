import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { BatchRecordSchema, FailureRecordSchema } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { createRecordChecker, maxAttributesBytes } from '../../../src/ingest/failure-record.js';
import { severityNumber } from '../../../src/ingest/severity.js';
import { storedSource } from '../../../src/ingest/sources.js';

const now = new Date('2026-03-01T12:00:00Z');
const checker = createRecordChecker();

describe('BatchRecord', () => {
  it('has exactly FailureRecord’s fields (numbers, names and types), so one is read as the other', () => {
    const shape = (fields: typeof FailureRecordSchema.fields) =>
      fields.map((field) => ({ number: field.number, name: field.name, kind: field.fieldKind, type: field.fieldKind === 'message' ? field.message.typeName : field.fieldKind === 'scalar' ? field.scalar : '' }));
    expect(shape(BatchRecordSchema.fields)).toEqual(shape(FailureRecordSchema.fields));
  });
});

describe('checking a record', () => {
  it('applies FailureRecord’s declared rules to a batch record, named under its prefix', () => {
    const record = create(BatchRecordSchema, { externalId: 'x', title: 't'.repeat(501), severity: 'urgent', url: 'ftp:/broken' });
    const checked = checker.check(record, 'records[4]', now);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.violations.map((violation) => violation.field)).toEqual(['records[4].title', 'records[4].severity', 'records[4].url']);
  });

  it('maps severities and sources, and defaults the time to now', () => {
    const checked = checker.check(create(FailureRecordSchema, { source: ' PagerDuty ', externalId: 'x', title: 't', severity: 'critical', service: ' api ' }), 'record', now);
    expect(checked).toMatchObject({ ok: true, record: { source: 'pagerduty', severity: 1, service: 'api', occurredAt: now } });
    expect(['', 'p1', 'P2', 'high', 'medium', 'low', 'p4'].map(severityNumber)).toEqual([3, 1, 2, 2, 3, 4, 4]);
    expect(['sentry', 'CI', 'splunk', ''].map(storedSource)).toEqual(['sentry', 'ci', 'custom', 'custom']);
  });

  it('refuses a time more than a day ahead or before 1970, and attributes over their byte budget', () => {
    const at = (ms: number) => checker.check(create(FailureRecordSchema, { externalId: 'x', title: 't', occurredAt: timestampFromMs(ms) }), 'record', now);
    expect(at(now.getTime() + 86_400_000).ok).toBe(true);
    expect(at(now.getTime() + 86_400_001)).toMatchObject({ ok: false, violations: [{ field: 'record.occurred_at' }] });
    expect(at(-1)).toMatchObject({ ok: false, violations: [{ field: 'record.occurred_at', description: 'must not be before 1970-01-01T00:00:00Z' }] });
    const big = create(FailureRecordSchema, { externalId: 'x', title: 't', attributes: { blob: 'x'.repeat(maxAttributesBytes) } });
    expect(checker.check(big, 'record', now)).toMatchObject({ ok: false, violations: [{ field: 'record.attributes' }] });
  });

  it('refuses NUL characters, which PostgreSQL text cannot hold', () => {
    const record = create(FailureRecordSchema, { externalId: 'x', title: 'a\u0000b', attributes: { 'k\u0000': 'v' } });
    expect(checker.check(record, 'record', now)).toMatchObject({
      ok: false,
      violations: [
        { field: 'record.title', description: 'must not contain NUL (U+0000) characters' },
        { field: 'record.attributes', description: 'must not contain NUL (U+0000) characters' },
      ],
    });
  });
});
