import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { FailureRecordSchema, type BatchRecord, type FailureRecord } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import type { FieldViolation } from '@causeloop/platform/errors';
import { createRequestValidator, type RequestValidator } from '@causeloop/platform/validation';
import { severityNumber } from './severity.js';
import { storedSource, type Source } from './sources.js';

// One failure record, checked and normalised for storing. The shape rules (lengths, the
// severity's allowed values, the url's form, the attributes' size and depth) are declared on
// FailureRecord in ingest.proto and checked here with the platform's request validator, the
// same one the gRPC server and the gateway use; what a declaration cannot say (a clock, a
// byte budget) is checked after.

/** A record ready to store: severity as 1-4, source as stored, a time, attributes as JSON. */
export interface CheckedRecord {
  readonly source: Source;
  readonly externalId: string;
  readonly title: string;
  readonly body: string;
  readonly severity: number;
  readonly service: string;
  readonly component: string;
  readonly occurredAt: Date;
  readonly url: string;
  readonly attributes: JsonObject;
}

export type RecordCheck = { readonly ok: true; readonly record: CheckedRecord } | { readonly ok: false; readonly violations: FieldViolation[] };

/** Attributes as JSON, at most this many bytes (max_pairs and max_depth bound their shape, not their size). */
export const maxAttributesBytes = 16 * 1024;
/** How far ahead of the receiver's clock a record may say it happened (clock skew, time zones gone wrong). */
export const maxFutureMs = 24 * 60 * 60 * 1000;

export interface RecordChecker {
  /** Checks one record; violations are named under `prefix` (`records[3]` or `record`). */
  check(record: FailureRecord | BatchRecord, prefix: string, now: Date): RecordCheck;
}

export function createRecordChecker(validator: RequestValidator = createRequestValidator()): RecordChecker {
  validator.prepare(FailureRecordSchema);
  return {
    check(input, prefix, now) {
      // A BatchRecord has FailureRecord's fields under the same numbers (a unit test holds
      // them together): read it as one to check it against FailureRecord's rules.
      const record = input.$typeName === FailureRecordSchema.typeName ? (input as FailureRecord) : asFailureRecord(input as BatchRecord);
      const named = (field: string) => (field === '' ? prefix : `${prefix}.${field}`);
      const violations = validator.violations(FailureRecordSchema, record).map((violation) => ({ ...violation, field: named(violation.field) }));
      if (violations.length > 0) return { ok: false, violations };

      let occurredAt = now;
      if (record.occurredAt !== undefined) {
        const ms = timestampMs(record.occurredAt);
        if (ms < 0) violations.push({ field: named('occurred_at'), description: 'must not be before 1970-01-01T00:00:00Z' });
        else if (ms > now.getTime() + maxFutureMs) violations.push({ field: named('occurred_at'), description: 'must not be more than a day in the future' });
        else occurredAt = new Date(ms);
      }
      const attributes: JsonObject = record.attributes ?? {};
      const attributesJson = JSON.stringify(attributes);
      if (Buffer.byteLength(attributesJson) > maxAttributesBytes) {
        violations.push({ field: named('attributes'), description: `must be at most ${maxAttributesBytes} bytes as JSON` });
      }
      // PostgreSQL text and jsonb cannot hold U+0000: refused per record, not a failed batch.
      for (const [field, value] of textFields(record)) {
        if (value.includes('\u0000')) violations.push({ field: named(field), description: 'must not contain NUL (U+0000) characters' });
      }
      if (holdsNul(attributes)) violations.push({ field: named('attributes'), description: 'must not contain NUL (U+0000) characters' });
      if (violations.length > 0) return { ok: false, violations };
      return {
        ok: true,
        record: {
          source: storedSource(record.source),
          externalId: record.externalId,
          title: record.title,
          body: record.body,
          severity: severityNumber(record.severity),
          service: record.service.trim(),
          component: record.component.trim(),
          occurredAt,
          url: record.url,
          attributes,
        },
      };
    },
  };
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
  return false;
}

function textFields(record: FailureRecord): [string, string][] {
  return [
    ['source', record.source],
    ['external_id', record.externalId],
    ['title', record.title],
    ['body', record.body],
    ['service', record.service],
    ['component', record.component],
    ['url', record.url],
  ];
}

/**
 * The batch record as a FailureRecord: its fields copied by name onto a new FailureRecord
 * (the two declare the same fields under the same names and numbers; a unit test holds
 * them together). A copy, not a binary round trip: that encoded and decoded every record
 * of a batch a second time (the gRPC server already decoded it).
 */
export function asFailureRecord(record: BatchRecord): FailureRecord {
  const copy = create(FailureRecordSchema) as unknown as Record<string, unknown>;
  const source = record as unknown as Record<string, unknown>;
  for (const field of FailureRecordSchema.fields) {
    if (field.localName in source) copy[field.localName] = source[field.localName];
  }
  return copy as unknown as FailureRecord;
}
