import {
  create,
  fromBinary,
  fromJson,
  mergeFromBinary,
  ScalarType,
  toJson,
  type DescEnum,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
} from '@bufbuild/protobuf';
import { base64Encode, BinaryReader, WireType } from '@bufbuild/protobuf/wire';

// Why this exists: the gateway used to decode each answer into protobuf-es messages, then
// walk them with `toJson`. On ListScopes that made a third of the gateway's allocations (a
// message object per entry, a [field, wire type] pair per field) and 7 % of its CPU
// samples; reading the wire format once, straight into the JSON value `toJson` gives with
// `responseJsonOptions`, takes 2.5 % (docs/benchmarks.md). The tests hold it to toJson, as
// exact JSON text, on random messages of every type the services take or answer with, and
// on merged, unpacked and unknown-field encodings protobuf-es never writes.

/** The JSON form of every answer: proto field names, and every implicit field even at zero. */
export const responseJsonOptions = { useProtoFieldName: true, alwaysEmitImplicit: true } as const;

/** Turns an answer's bytes into its JSON value. */
export type JsonTranscoder = (bytes: Uint8Array) => JsonObject;

// protobuf-es's own limit (fromBinary's default), so both refuse the same nesting.
const recursionLimit = 100;
// google.protobuf.FeatureSet.FieldPresence, as protobuf-es's DescField.presence holds it.
const implicitPresence = 2;
const legacyRequiredPresence = 3;

/** protobuf-es's reader, keeping the bytes it reads for the tag check it does not expose. */
class AnswerReader extends BinaryReader {
  constructor(readonly source: Uint8Array) {
    super(source);
  }
}

/** A JSON object being filled; `undefined` members are fields not set, which JSON.stringify leaves out. */
type Target = Record<string, JsonValue | undefined>;
type FieldReader = (target: Target, reader: AnswerReader, wireType: WireType, depth: number) => void;
type ValueReader = (reader: BinaryReader) => JsonValue;

interface CompiledMessage {
  /** A fresh object with every field in field-number order (toJson's order), implicit ones at zero. */
  readonly empty: () => Target;
  readonly fields: Map<number, FieldReader>;
}

const transcoders = new WeakMap<DescMessage, JsonTranscoder>();

/**
 * The transcoder of answers of type `schema`, compiled once. A type using what this does
 * not handle (proto2 groups or closed enums, required fields, a field named __proto__)
 * falls back to protobuf-es, decoding then `toJson`.
 */
export function jsonTranscoder(schema: DescMessage): JsonTranscoder {
  let transcoder = transcoders.get(schema);
  if (transcoder === undefined) {
    transcoder = isSupported(schema) ? compileTranscoder(schema) : (bytes) => toJson(schema, fromBinary(schema, bytes), responseJsonOptions) as JsonObject;
    transcoders.set(schema, transcoder);
  }
  return transcoder;
}

function compileTranscoder(schema: DescMessage): JsonTranscoder {
  const compiled = new Map<DescMessage, CompiledMessage>();
  const root = compileMessage(schema, compiled);
  return (bytes) => {
    const target = root.empty();
    readMessage(root, target, new AnswerReader(bytes), bytes.byteLength, 1);
    return target as JsonObject;
  };
}

function readMessage(message: CompiledMessage, target: Target, reader: AnswerReader, length: number, depth: number): void {
  if (depth > recursionLimit) throw new Error(`cannot decode the answer: maximum recursion depth of ${recursionLimit} reached`);
  const end = reader.pos + length;
  while (reader.pos < end) {
    const tag = readTag(reader);
    const fieldNo = tag >>> 3;
    const wireType = (tag & 7) as WireType;
    const readField = message.fields.get(fieldNo);
    if (readField === undefined) reader.skip(wireType, fieldNo, recursionLimit - depth);
    else readField(target, reader, wireType, depth);
  }
}

/** A record's tag, with the checks of protobuf-es's BinaryReader.tag() and without the pair it allocates. */
function readTag(reader: AnswerReader): number {
  const start = reader.pos;
  const tag = reader.uint32();
  if (reader.pos - start > 5 || (reader.pos - start === 5 && reader.source[reader.pos - 1]! > 0x0f)) throw new Error('illegal tag: varint overflows uint32');
  if (tag >>> 3 <= 0 || (tag & 7) > 5) throw new Error(`illegal tag: field no ${tag >>> 3} wire type ${tag & 7}`);
  return tag;
}

function compileMessage(schema: DescMessage, compiled: Map<DescMessage, CompiledMessage>): CompiledMessage {
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  const sorted = schema.fields.concat().sort((a, b) => a.number - b.number);
  const fields = new Map<number, FieldReader>();
  const zeros: [string, () => JsonValue | undefined][] = sorted.map((field) => [field.name, zeroOf(field)]);
  const message: CompiledMessage = {
    empty: () => {
      const target: Target = {};
      for (const [name, zero] of zeros) target[name] = zero();
      return target;
    },
    fields,
  };
  // Registered before its fields are compiled, so a recursive type finds itself.
  compiled.set(schema, message);
  for (const field of sorted) fields.set(field.number, compileField(field, compiled));
  return message;
}

/** What a field holds before anything is read: toJson's value for an unset field. */
function zeroOf(field: DescField): () => JsonValue | undefined {
  if (field.fieldKind === 'list') return () => [];
  if (field.fieldKind === 'map') return () => ({});
  if (field.oneof !== undefined || field.presence !== implicitPresence || field.fieldKind === 'message') return () => undefined;
  const zero = field.fieldKind === 'enum' ? enumZeroJson(field.enum) : scalarZeroJson(field.scalar);
  return () => zero;
}

function compileField(field: DescField, compiled: Map<DescMessage, CompiledMessage>): FieldReader {
  const name = field.name;
  // Setting one member of a oneof unsets the others, as it does in a message.
  const siblings = field.oneof === undefined ? [] : field.oneof.fields.filter((f) => f !== field).map((f) => f.name);
  const set = (target: Target, value: JsonValue) => {
    for (const sibling of siblings) target[sibling] = undefined;
    target[name] = value;
  };
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum': {
      const read = field.fieldKind === 'enum' ? enumReader(field.enum) : scalarReader(field.scalar, field.utf8Validation);
      return (target, reader) => set(target, read(reader));
    }
    case 'message': {
      const readValue = messageReader(field.message, compiled);
      // A message field sent twice is merged, as protobuf-es (and every runtime) merges it.
      return (target, reader, _wireType, depth) => set(target, readValue(reader, target[name], depth));
    }
    case 'list': {
      if (field.listKind === 'message') {
        const readValue = messageReader(field.message, compiled);
        return (target, reader, _wireType, depth) => (target[name] as JsonValue[]).push(readValue(reader, undefined, depth));
      }
      const read = field.listKind === 'enum' ? enumReader(field.enum) : scalarReader(field.scalar, field.utf8Validation);
      const packable = field.listKind === 'enum' || (field.scalar !== ScalarType.STRING && field.scalar !== ScalarType.BYTES);
      return (target, reader, wireType) => {
        const items = target[name] as JsonValue[];
        if (wireType === WireType.LengthDelimited && packable) {
          const end = reader.uint32() + reader.pos;
          while (reader.pos < end) items.push(read(reader));
        } else {
          items.push(read(reader));
        }
      };
    }
    case 'map': {
      const readKey = mapKeyReader(field.mapKey, field.utf8Validation);
      const keyZero = String(mapKeyZero(field.mapKey));
      let readValue: (reader: AnswerReader, existing: JsonValue | undefined, depth: number) => JsonValue;
      let valueZero: () => JsonValue;
      if (field.mapKind === 'message') {
        readValue = messageReader(field.message, compiled);
        valueZero = messageZero(field.message, compiled);
      } else {
        readValue = field.mapKind === 'enum' ? enumReader(field.enum) : scalarReader(field.scalar, field.utf8Validation);
        const zero = field.mapKind === 'enum' ? enumZeroJson(field.enum) : scalarZeroJson(field.scalar);
        valueZero = () => zero;
      }
      return (target, reader, _wireType, depth) => {
        const end = reader.uint32() + reader.pos;
        let key: string | undefined;
        let value: JsonValue | undefined;
        while (reader.pos < end) {
          const tag = readTag(reader);
          const fieldNo = tag >>> 3;
          if (fieldNo === 1) key = readKey(reader);
          else if (fieldNo === 2) value = readValue(reader, value, depth);
          else reader.skip((tag & 7) as WireType, fieldNo, recursionLimit - depth);
        }
        // A Value holding null is a value: JSON null, not a missing one.
        setOwn(target[name] as Target, key ?? keyZero, value === undefined ? valueZero() : value);
      };
    }
  }
}

/** Reads a length-delimited message into `existing` when there is one (a merge), else into a fresh value. */
function messageReader(
  schema: DescMessage,
  compiled: Map<DescMessage, CompiledMessage>,
): (reader: AnswerReader, existing: JsonValue | undefined, depth: number) => JsonValue {
  if (schema.typeName.startsWith('google.protobuf.')) {
    // Well-known types have JSON forms of their own (a Timestamp is a string, a Struct any
    // object): protobuf-es makes them, from just their bytes. Timestamps, in nearly every
    // answer, are read here; one sent twice (to be merged) goes the general way.
    return (reader, existing) => {
      if (schema.typeName === 'google.protobuf.Timestamp' && existing === undefined) return readTimestamp(reader);
      const bytes = reader.bytes();
      const message = existing === undefined ? fromBinary(schema, bytes) : mergeFromBinary(schema, fromJson(schema, existing), bytes);
      return toJson(schema, message, responseJsonOptions);
    };
  }
  const message = compileMessage(schema, compiled);
  return (reader, existing, depth) => {
    const target = (existing as Target | undefined) ?? message.empty();
    readMessage(message, target, reader, reader.uint32(), depth + 1);
    return target as JsonObject;
  };
}

const timestampMsMin = Date.parse('0001-01-01T00:00:00Z');
const timestampMsMax = Date.parse('9999-12-31T23:59:59Z');

/** A google.protobuf.Timestamp as protobuf-es's toJson writes it (its checks and messages too). */
function readTimestamp(reader: AnswerReader): JsonValue {
  const end = reader.uint32() + reader.pos;
  let seconds: bigint | string = 0n;
  let nanos = 0;
  while (reader.pos < end) {
    const tag = readTag(reader);
    const fieldNo = tag >>> 3;
    if (fieldNo === 1) seconds = reader.int64();
    else if (fieldNo === 2) nanos = reader.int32();
    else reader.skip((tag & 7) as WireType, fieldNo);
  }
  const ms = Number(seconds) * 1000;
  const refused = 'cannot encode message google.protobuf.Timestamp to JSON';
  if (ms < timestampMsMin || ms > timestampMsMax) throw new Error(`${refused}: must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive`);
  if (nanos < 0) throw new Error(`${refused}: nanos must not be negative`);
  if (nanos > 999_999_999) throw new Error(`${refused}: nanos must not be greater than 999999999`);
  let fraction = 'Z';
  if (nanos > 0) {
    // Three, six or nine digits, the fewest that hold the value.
    const digits = (nanos + 1_000_000_000).toString().substring(1);
    fraction = digits.substring(3) === '000000' ? `.${digits.substring(0, 3)}Z` : digits.substring(6) === '000' ? `.${digits.substring(0, 6)}Z` : `.${digits}Z`;
  }
  return new Date(ms).toISOString().replace('.000Z', fraction);
}

/** A map entry's value when the entry has none: the empty message. */
function messageZero(schema: DescMessage, compiled: Map<DescMessage, CompiledMessage>): () => JsonValue {
  if (schema.typeName.startsWith('google.protobuf.')) {
    // Made on use: some have none (a Value must hold one), and toJson refuses those then.
    return () => toJson(schema, create(schema), responseJsonOptions);
  }
  const message = compileMessage(schema, compiled);
  return () => message.empty() as JsonObject;
}

function enumJson(schema: DescEnum, value: number): JsonValue {
  // An open enum keeps a number it does not know; toJson then writes the number.
  return schema.value[value]?.jsonName ?? value;
}

/** An implicit enum field's value when unset: its first value, as toJson names it. */
function enumZeroJson(schema: DescEnum): JsonValue {
  return enumJson(schema, schema.values[0]!.number);
}

function enumReader(schema: DescEnum): ValueReader {
  return (reader) => enumJson(schema, reader.int32());
}

function scalarReader(scalar: ScalarType, utf8Validation: boolean): ValueReader {
  switch (scalar) {
    case ScalarType.STRING:
      return (reader) => reader.string(utf8Validation);
    case ScalarType.BOOL:
      return (reader) => reader.bool();
    case ScalarType.DOUBLE:
      return (reader) => floatJson(reader.double());
    case ScalarType.FLOAT:
      return (reader) => floatJson(reader.float());
    case ScalarType.INT32:
      return (reader) => reader.int32();
    case ScalarType.UINT32:
      return (reader) => reader.uint32();
    case ScalarType.SINT32:
      return (reader) => reader.sint32();
    case ScalarType.FIXED32:
      return (reader) => reader.fixed32();
    case ScalarType.SFIXED32:
      return (reader) => reader.sfixed32();
    // 64-bit integers are decimal strings in JSON.
    case ScalarType.INT64:
      return (reader) => String(reader.int64());
    case ScalarType.UINT64:
      return (reader) => String(reader.uint64());
    case ScalarType.SINT64:
      return (reader) => String(reader.sint64());
    case ScalarType.FIXED64:
      return (reader) => String(reader.fixed64());
    case ScalarType.SFIXED64:
      return (reader) => String(reader.sfixed64());
    case ScalarType.BYTES:
      return (reader) => base64Encode(reader.bytes());
  }
}

/** A map key as the JSON object key protobuf-es gives it: the key's value as text. */
function mapKeyReader(scalar: ScalarType, utf8Validation: boolean): (reader: BinaryReader) => string {
  const read = scalarReader(scalar, utf8Validation);
  return (reader) => String(read(reader));
}

function mapKeyZero(scalar: ScalarType): string | number | boolean {
  return scalar === ScalarType.STRING ? '' : scalar === ScalarType.BOOL ? false : 0;
}

function scalarZeroJson(scalar: ScalarType): JsonValue {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return '';
    case ScalarType.BOOL:
      return false;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return '0';
    default:
      return 0;
  }
}

function floatJson(value: number): JsonValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** A map key may be "__proto__": assigned plainly, it would set the object's prototype. */
function setOwn(target: Target, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Whether every type `schema` reaches is one this transcoder handles exactly as toJson does. */
function isSupported(schema: DescMessage, seen = new Set<DescMessage>()): boolean {
  if (seen.has(schema) || schema.typeName.startsWith('google.protobuf.')) return true;
  seen.add(schema);
  return schema.fields.every((field) => {
    if (field.name === '__proto__' || field.presence === legacyRequiredPresence) return false;
    if ((field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) && field.delimitedEncoding) return false;
    if (field.enum !== undefined && (!field.enum.open || field.enum.typeName === 'google.protobuf.NullValue')) return false;
    return field.message === undefined || isSupported(field.message, seen);
  });
}
