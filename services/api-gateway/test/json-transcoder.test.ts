import {
  create,
  fromBinary,
  fromJson,
  ScalarType,
  toBinary,
  toJson,
  type DescField,
  type DescMessage,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { serviceCatalogue } from '@causeloop/platform/service-catalogue';
import { EveryFieldSchema } from '@causeloop/proto/causeloop/testing/v1/every_field_pb.js';
import { jsonTranscoder, responseJsonOptions } from '../src/routes/json-transcoder.js';

// The transcoder must give, for any bytes, exactly what the gateway gave before it:
// protobuf-es's fromBinary then toJson. Checked on random messages of every message type the
// services take or answer with, and of EveryField (every kind of proto3 field), as the
// exact JSON text; and on encodings protobuf-es never writes but a backend may send.

const messagesPerType = 60;
// As a plain descriptor, for the generic helpers below.
const everyField: DescMessage = EveryFieldSchema;

describe('answer transcoder', () => {
  const schemas = reachableSchemas([EveryFieldSchema, ...serviceCatalogue.flatMap((s) => s.apis.flatMap((api) => api.service.methods.flatMap((m) => [m.input, m.output])))]);

  it('covers every message type of the services', () => {
    expect(schemas.length).toBeGreaterThan(20);
    expect(schemas).toContain(EveryFieldSchema);
  });

  it('gives toJson’s JSON for random messages of every type', () => {
    const random = seededRandom(27);
    for (const schema of schemas) {
      for (let i = 0; i < messagesPerType; i++) {
        expectSameJson(schema, toBinary(schema, randomMessage(schema, random, 0)));
      }
    }
  });

  it('merges a message sent in two parts as protobuf-es does (last scalar wins, lists append, messages merge)', () => {
    const random = seededRandom(18);
    for (const schema of schemas) {
      for (let i = 0; i < messagesPerType / 2; i++) {
        const first = toBinary(schema, randomMessage(schema, random, 0));
        const second = toBinary(schema, randomMessage(schema, random, 0));
        expectSameJson(schema, concat(first, second));
      }
    }
  });

  it('skips fields it does not know, as an older gateway reads a newer backend', () => {
    const random = seededRandom(19);
    const unknown = new BinaryWriter().tag(4_095, WireType.Varint).uint64(12345n).tag(4_094, WireType.LengthDelimited).string('new').finish();
    for (const schema of schemas) {
      expectSameJson(schema, concat(toBinary(schema, randomMessage(schema, random, 0)), unknown));
    }
  });

  it('reads repeated numbers sent unpacked, one record per item', () => {
    const random = seededRandom(20);
    const repeatedNumbers = EveryFieldSchema.fields.filter((f) => f.fieldKind === 'list' && f.listKind !== 'message' && f.scalar !== ScalarType.STRING && f.scalar !== ScalarType.BYTES);
    expect(repeatedNumbers.length).toBeGreaterThan(5);
    for (let i = 0; i < messagesPerType; i++) {
      const writer = new BinaryWriter();
      for (const field of repeatedNumbers) {
        for (let n = 0; n < 3; n++) writeUnpacked(writer, field, field.listKind === 'enum' ? randomInt(random, -2, 3) : randomScalar(field.scalar!, random));
      }
      expectSameJson(everyField, concat(toBinary(everyField, randomMessage(everyField, random, 0)), writer.finish()));
    }
  });

  it('fills a map entry sent without its key or its value with their zero values', () => {
    const entry = (fieldNo: number, write: (entryWriter: BinaryWriter) => void) => {
      const writer = new BinaryWriter().tag(fieldNo, WireType.LengthDelimited).fork();
      write(writer);
      return writer.join().finish();
    };
    const withoutValue = [
      entry(50, (w) => w.tag(1, WireType.LengthDelimited).string('label')), // map<string, string>
      entry(51, (w) => w.tag(1, WireType.Varint).int32(3)), // map<int32, EveryField>
      entry(52, (w) => w.tag(1, WireType.Varint).int64(-4n)), // map<int64, Shade>
      entry(53, (w) => w.tag(1, WireType.Varint).bool(true)), // map<bool, bytes>
      entry(54, (w) => w.tag(1, WireType.Varint).uint32(5)), // map<uint32, double>
      entry(55, (w) => w.tag(1, WireType.Varint).sint64(6n)), // map<sint64, Timestamp>
      entry(56, (w) => w.tag(1, WireType.Bit32).fixed32(7)), // map<fixed32, int64>
    ];
    const withoutKey = [entry(50, (w) => w.tag(2, WireType.LengthDelimited).string('value')), entry(52, (w) => w.tag(2, WireType.Varint).int32(2))];
    for (const bytes of [...withoutValue, ...withoutKey]) expectSameJson(everyField, bytes);
    // A google.protobuf.Value must hold one: toJson refuses an entry without it, and so must this.
    const valueless = entry(57, (w) => w.tag(1, WireType.LengthDelimited).string('k'));
    expect(() => toJson(everyField, fromBinary(everyField, valueless), responseJsonOptions)).toThrow();
    expect(() => jsonTranscoder(everyField)(valueless)).toThrow();
  });

  it('writes zero values of implicit fields, and leaves unset optional, oneof and message fields out', () => {
    const text = jsonTranscoder(EveryFieldSchema)(new Uint8Array(0));
    expect(JSON.parse(text)).toMatchObject({ a_double: 0, an_int64: '0', a_string: '', some_bytes: '', a_shade: 'SHADE_UNSPECIFIED', doubles: [], labels: {} });
    for (const absent of ['maybe_int32', 'nested', 'choice_text', 'at']) expect(text).not.toContain(`"${absent}"`);
  });

  it('refuses the timestamps toJson refuses, with its words', () => {
    for (const [seconds, nanos] of [[253402300800n, 0], [-62135596801n, 0], [0n, -1], [0n, 1_000_000_000]] as const) {
      const bytes = new BinaryWriter().tag(70, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(seconds).tag(2, WireType.Varint).int32(nanos).join().finish();
      const refusal = (() => {
        try {
          toJson(everyField, fromBinary(everyField, bytes), responseJsonOptions);
        } catch (error) {
          return (error as Error).message;
        }
        return undefined;
      })();
      expect(refusal).toBeDefined();
      expect(() => jsonTranscoder(everyField)(bytes)).toThrow(refusal!);
    }
  });

  it('reads a field sent with another wire type, or running past its message, as protobuf-es does', () => {
    const random = seededRandom(21);
    const oddities = [
      new BinaryWriter().tag(14, WireType.Varint).int32(7).finish(), // a string field as a varint
      new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(new Uint8Array(8)).finish(), // a double as bytes
      new BinaryWriter().tag(3, WireType.Bit64).fixed64(9n).finish(),
      // A nested message whose last record claims more bytes than the message has.
      new BinaryWriter().tag(17, WireType.LengthDelimited).uint32(2).raw(new Uint8Array([(14 << 3) | WireType.LengthDelimited, 10])).raw(Buffer.from('0123456789')).finish(),
    ];
    for (const oddity of oddities) {
      for (let i = 0; i < 5; i++) expectSameOutcome(everyField, concat(toBinary(everyField, randomMessage(everyField, random, 0)), oddity));
      expectSameOutcome(everyField, oddity);
    }
  });

  it('starts each answer afresh, also after an answer it refused half-way', () => {
    const transcode = jsonTranscoder(EveryFieldSchema);
    const refusedTimestamp = new BinaryWriter().tag(70, WireType.LengthDelimited).fork().tag(2, WireType.Varint).int32(-1).join().finish();
    expect(() => transcode(concat(toBinary(EveryFieldSchema, create(EveryFieldSchema, { aString: 'x'.repeat(500) })), refusedTimestamp))).toThrow();
    const next = transcode(toBinary(EveryFieldSchema, create(EveryFieldSchema, { aString: 'next' })));
    expect(JSON.parse(next)).toMatchObject({ a_string: 'next' });
    expect(next).not.toContain('xxx');
    // Larger than the buffer answers are written into, and then small again.
    const large = create(EveryFieldSchema, { strings: Array.from({ length: 3_000 }, (_, i) => `entry ${i} ${'ü'.repeat(i % 7)} ${'y'.repeat(900)}`) });
    expectSameJson(EveryFieldSchema, toBinary(EveryFieldSchema, large));
    expect(JSON.parse(transcode(toBinary(EveryFieldSchema, create(EveryFieldSchema, { aString: 'small' }))))).toMatchObject({ a_string: 'small', strings: [] });
  });

  it('refuses what protobuf-es refuses: truncated bytes and invalid UTF-8', () => {
    const bytes = toBinary(EveryFieldSchema, create(EveryFieldSchema, { aString: 'a string long enough', nested: { aString: 'inside' } }));
    expect(() => jsonTranscoder(EveryFieldSchema)(bytes.subarray(0, bytes.length - 3))).toThrow();
    const invalidUtf8 = new BinaryWriter().tag(14, WireType.LengthDelimited).bytes(new Uint8Array([0xc3, 0x28])).finish();
    expect(() => fromBinary(EveryFieldSchema, invalidUtf8)).toThrow();
    expect(() => jsonTranscoder(EveryFieldSchema)(invalidUtf8)).toThrow();
  });
});

function expectSameJson(schema: DescMessage, bytes: Uint8Array): void {
  const expected = JSON.stringify(toJson(schema, fromBinary(schema, bytes), responseJsonOptions));
  // The bytes in the message, so a failure can be replayed on its own.
  const replay = `${schema.typeName} ${Buffer.from(bytes).toString('hex')}`;
  let actual: string | undefined;
  expect(() => (actual = jsonTranscoder(schema)(bytes)), replay).not.toThrow();
  expect(actual, replay).toBe(expected);
}

/** The same JSON text as protobuf-es, or a refusal where protobuf-es refuses. */
function expectSameOutcome(schema: DescMessage, bytes: Uint8Array): void {
  try {
    toJson(schema, fromBinary(schema, bytes), responseJsonOptions);
  } catch {
    expect(() => jsonTranscoder(schema)(bytes), `${schema.typeName} ${Buffer.from(bytes).toString('hex')}`).toThrow();
    return;
  }
  expectSameJson(schema, bytes);
}

function reachableSchemas(roots: readonly DescMessage[]): DescMessage[] {
  const seen = new Set<DescMessage>();
  const visit = (schema: DescMessage) => {
    if (seen.has(schema) || schema.typeName.startsWith('google.protobuf.')) return;
    seen.add(schema);
    for (const field of schema.fields) if (field.message !== undefined) visit(field.message);
  };
  roots.forEach(visit);
  return [...seen];
}

type Random = () => number;

function seededRandom(seed: number): Random {
  // mulberry32: the same messages on every run, so a failure can be replayed.
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function randomScalar(scalar: ScalarType, random: Random): unknown {
  switch (scalar) {
    case ScalarType.DOUBLE:
      return pick(random, [0, -0, 1.5, -1e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, random() * 1e6, Number.MIN_VALUE]);
    case ScalarType.FLOAT:
      return pick(random, [0, -0, 0.1, 3.4e38, Number.NaN, Number.NEGATIVE_INFINITY, random() * 1000]);
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return pick(random, [0, 1, -1, 2147483647, -2147483648, randomInt(random, -1e6, 1e6)]);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return pick(random, [0, 1, 4294967295, randomInt(random, 0, 1e6)]);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return pick(random, [0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n, BigInt(randomInt(random, -1e9, 1e9))]);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return pick(random, [0n, 1n, 18446744073709551615n, BigInt(randomInt(random, 0, 1e9))]);
    case ScalarType.BOOL:
      return random() < 0.5;
    case ScalarType.STRING:
      return pick(random, ['', 'plain', 'ünïcødé ✓ 𝄞', 'quote " and \\ and \n', '__proto__', String(randomInt(random, 0, 1e6))]);
    case ScalarType.BYTES:
      return pick(random, [new Uint8Array(0), new Uint8Array([0, 255, 62, 63]), new Uint8Array(Array.from({ length: randomInt(random, 1, 20) }, () => randomInt(random, 0, 255)))]);
  }
}

/** A random value of a well-known type, through its JSON form (a wrapper's field holds the bare value). */
function randomWellKnown(schema: DescMessage, random: Random): unknown {
  switch (schema.typeName) {
    case 'google.protobuf.Timestamp':
      return create(schema, {
        seconds: pick(random, [0n, -62135596800n, 253402300799n, BigInt(randomInt(random, -62135596800, 253402300799))]),
        nanos: pick(random, [0, 999_999_999, randomInt(random, 1, 999) * 1_000_000, randomInt(random, 1, 999_999) * 1_000, randomInt(random, 1, 999_999_999)]),
      });
    case 'google.protobuf.Duration':
      return fromJson(schema, pick(random, ['0s', '1.5s', '-3.000001s', '315576000000s']));
    case 'google.protobuf.Value':
      return fromJson(schema, randomJson(random, 0));
    case 'google.protobuf.Struct':
      return fromJson(schema, { count: randomInt(random, -5, 5), nested: { list: [1, 'two', null, true] }, text: 'x' });
    case 'google.protobuf.ListValue':
      return fromJson(schema, [randomJson(random, 1), randomJson(random, 1)]);
    case 'google.protobuf.Int64Value':
      return pick(random, [0n, -9223372036854775808n, 42n]);
    case 'google.protobuf.StringValue':
      return pick(random, ['', 'wrapped']);
    default:
      return create(schema);
  }
}

function randomJson(random: Random, depth: number): JsonValue {
  const kind = randomInt(random, 0, depth > 1 ? 3 : 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return pick(random, [0, -2.5, 1e21]);
    case 2:
      return pick(random, ['', 's']);
    case 3:
      return random() < 0.5;
    case 4:
      return [randomJson(random, depth + 1)];
    default:
      return { key: randomJson(random, depth + 1) };
  }
}

function randomValue(field: DescField, kind: 'scalar' | 'enum' | 'message', random: Random, depth: number): unknown {
  if (kind === 'enum') return random() < 0.15 ? 7 : pick(random, field.enum!.values).number; // 7: a number the enum does not know
  if (kind === 'message') {
    const schema = field.message!;
    return schema.typeName.startsWith('google.protobuf.') ? randomWellKnown(schema, random) : randomMessage(schema, random, depth + 1);
  }
  return randomScalar(field.scalar!, random);
}

function randomMessage(schema: DescMessage, random: Random, depth: number): Message {
  const init: Record<string, unknown> = {};
  for (const field of schema.fields) {
    if (random() < 0.35) continue;
    const isMessage = field.message !== undefined;
    if (isMessage && depth >= 3) continue;
    if (field.oneof !== undefined) {
      init[field.oneof.localName] = { case: field.localName, value: randomValue(field, field.fieldKind as 'scalar' | 'enum' | 'message', random, depth) };
    } else if (field.fieldKind === 'list') {
      init[field.localName] = Array.from({ length: randomInt(random, 0, 3) }, () => randomValue(field, field.listKind, random, depth));
    } else if (field.fieldKind === 'map') {
      const entries = Array.from({ length: randomInt(random, 0, 3) }, () => [String(randomMapKey(field.mapKey, random)), randomValue(field, field.mapKind, random, depth)]);
      init[field.localName] = Object.fromEntries(entries);
    } else {
      init[field.localName] = randomValue(field, field.fieldKind, random, depth);
    }
  }
  return create(schema, init);
}

function randomMapKey(scalar: ScalarType, random: Random): unknown {
  if (scalar === ScalarType.BOOL) return random() < 0.5;
  if (scalar === ScalarType.STRING) return pick(random, ['', 'a', 'with space', '10', '__proto__', 'ünï']);
  return randomScalar(scalar === ScalarType.UINT32 || scalar === ScalarType.FIXED32 ? scalar : ScalarType.INT32, random);
}

function writeUnpacked(writer: BinaryWriter, field: DescField, value: unknown): void {
  const scalar = field.scalar ?? ScalarType.INT32;
  const wireType =
    scalar === ScalarType.DOUBLE || scalar === ScalarType.FIXED64 || scalar === ScalarType.SFIXED64
      ? WireType.Bit64
      : scalar === ScalarType.FLOAT || scalar === ScalarType.FIXED32 || scalar === ScalarType.SFIXED32
        ? WireType.Bit32
        : WireType.Varint;
  writer.tag(field.number, wireType);
  const write = writer[ScalarType[scalar].toLowerCase() as 'int32'] as (this: BinaryWriter, v: unknown) => BinaryWriter;
  write.call(writer, value);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
