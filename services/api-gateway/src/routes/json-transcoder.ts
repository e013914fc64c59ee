import { create, fromBinary, ScalarType, toJsonString, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { base64Encode, BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { out } from './json-text-buffer.js';
import { isWellKnownType } from './well-known-types.js';

// Why this exists: the gateway used to decode each answer into protobuf-es messages, walk
// them with `toJson`, then serialize that value. On ListScopes that made a third of the
// gateway's allocations and, measured by answering with the finished text instead, about a
// fifth of its CPU (docs/benchmarks.md). This reads an answer's bytes once and writes its
// JSON text: field names written ahead of time, ASCII strings copied byte for byte, no
// message, object or string made on the way. What it does not read the way every runtime
// writes (a singular field sent twice, which protobuf-es merges; a wire type that does not
// match the field) goes to protobuf-es, which is the reference. The tests hold it to
// protobuf-es's text on random messages of every type the services take or answer with,
// and on merged, unpacked and unknown-field encodings protobuf-es never writes.

/** The JSON form of every answer: proto field names, and every implicit field even at zero. */
export const responseJsonOptions = { useProtoFieldName: true, alwaysEmitImplicit: true } as const;

/** The media type of that text: JSON is UTF-8 (RFC 8259); the charset says so to older clients. */
export const jsonContentType = 'application/json; charset=utf-8';

/**
 * Turns an answer's bytes into its JSON text, as `toJsonString` with `responseJsonOptions`
 * writes it. Text rather than bytes: a string lives on V8's heap, which the idle memory
 * release compacts, where a Buffer per answer would churn native memory.
 */
export type JsonTranscoder = (bytes: Uint8Array) => string;

// protobuf-es's own limit (fromBinary's default), so both refuse the same nesting.
const recursionLimit = 100;
// google.protobuf.FeatureSet.FieldPresence, as protobuf-es's DescField.presence holds it.
const implicitPresence = 2;
const legacyRequiredPresence = 3;

const transcoders = new WeakMap<DescMessage, JsonTranscoder>();

/**
 * The transcoder of answers of type `schema`, compiled once. A type using what this does
 * not handle (proto2 groups or closed enums, required fields) is left to protobuf-es.
 */
export function jsonTranscoder(schema: DescMessage): JsonTranscoder {
  let transcoder = transcoders.get(schema);
  if (transcoder === undefined) {
    transcoder = isSupported(schema) ? compileTranscoder(schema) : (bytes) => byProtobufEs(schema, bytes);
    transcoders.set(schema, transcoder);
  }
  return transcoder;
}

function byProtobufEs(schema: DescMessage, bytes: Uint8Array): string {
  return toJsonString(schema, fromBinary(schema, bytes), responseJsonOptions);
}

/** Thrown where the bytes are not laid out as a runtime writes them: protobuf-es reads those. */
class NotCanonical extends Error {}
const notCanonical = new NotCanonical('left to protobuf-es');

function compileTranscoder(schema: DescMessage): JsonTranscoder {
  const root = compileMessage(schema, new Map());
  return (bytes) => {
    out.length = 0;
    slots.top = 0;
    try {
      const reader = new BinaryReader(bytes);
      writeMessage(root, reader, bytes, bytes.byteLength, 1);
      return out.take();
    } catch (error) {
      if (error !== notCanonical) throw error;
      return byProtobufEs(schema, bytes);
    }
  };
}

/**
 * Where each singular field of the messages being written was found, a frame per message
 * on one stack (-1: not sent), so reading a message allocates nothing.
 */
const slots = {
  positions: new Int32Array(4096),
  top: 0,
  push(count: number): number {
    const frame = this.top;
    if (frame + count > this.positions.length) {
      const grown = new Int32Array(2 * (frame + count));
      grown.set(this.positions);
      this.positions = grown;
    }
    this.positions.fill(-1, frame, frame + count);
    this.top = frame + count;
    return frame;
  },
};

const quote = 0x22;
const comma = 0x2c;

interface CompiledMessage {
  /** In field-number order, toJson's order. */
  readonly fields: CompiledField[];
  /** Indexed by field number (protobuf field numbers of these types are small). */
  readonly byNumber: (CompiledField | undefined)[];
  readonly singularCount: number;
}

interface CompiledField {
  /** `"name":`, and `,"name":` for every field but the first written (ASCII: protoc and protobuf-es take only identifiers as names). */
  readonly key: string;
  readonly nextKey: string;
  /** The frame offset of a singular field's position; -1 for lists and maps. */
  readonly slot: number;
  /** The wire types a record of this field may have, as bits (1 << wire type); another one is left to protobuf-es. */
  readonly wireTypes: number;
  /** The slots of the other members of its oneof. */
  readonly siblingSlots: readonly number[];
  /** Written when a singular field was not sent: its zero value, or nothing (explicit presence). */
  readonly zero: string | undefined;
  /** Writes the value read at the reader's position (a list: every record of the field). */
  write: FieldWriter;
}

type FieldWriter = (reader: BinaryReader, source: Uint8Array, messageStart: number, messageEnd: number, depth: number) => void;
type ValueWriter = (reader: BinaryReader, source: Uint8Array, depth: number) => void;

function writeMessage(message: CompiledMessage, reader: BinaryReader, source: Uint8Array, length: number, depth: number): void {
  if (depth > recursionLimit) throw new Error(`cannot decode the answer: maximum recursion depth of ${recursionLimit} reached`);
  const start = reader.pos;
  const end = start + length;
  const frame = slots.push(message.singularCount);
  // First pass: where each singular field is; lists and maps are read in place below.
  while (reader.pos < end) {
    const tag = readTag(reader, source);
    const fieldNo = tag >>> 3;
    const wireType = (tag & 7) as WireType;
    const field = message.byNumber[fieldNo];
    if (field !== undefined) {
      if ((field.wireTypes & (1 << wireType)) === 0) throw notCanonical;
      if (field.slot >= 0) {
        // Sent twice, or beside another member of its oneof: protobuf-es reads (and checks)
        // every record and merges or replaces; reading only the last would skip those checks.
        if (slots.positions[frame + field.slot] !== -1) throw notCanonical;
        for (const sibling of field.siblingSlots) if (slots.positions[frame + sibling] !== -1) throw notCanonical;
        slots.positions[frame + field.slot] = reader.pos;
      }
    }
    skip(reader, source, wireType, fieldNo, depth);
  }
  // A record running past the end of its message: protobuf-es decides what that means.
  if (reader.pos !== end) throw notCanonical;
  out.byte(0x7b);
  let first = true;
  for (const field of message.fields) {
    if (field.slot >= 0) {
      const position = slots.positions[frame + field.slot]!;
      if (position === -1) {
        if (field.zero === undefined) continue;
        out.ascii(first ? field.key : field.nextKey);
        out.ascii(field.zero);
      } else {
        out.ascii(first ? field.key : field.nextKey);
        reader.pos = position;
        field.write(reader, source, start, end, depth);
      }
    } else {
      out.ascii(first ? field.key : field.nextKey);
      field.write(reader, source, start, end, depth);
    }
    first = false;
  }
  out.byte(0x7d);
  reader.pos = end;
  slots.top = frame;
}

/** A record's tag, with the checks of protobuf-es's BinaryReader.tag() and without the pair it allocates. */
function readTag(reader: BinaryReader, source: Uint8Array): number {
  const start = reader.pos;
  const tag = reader.uint32();
  if (reader.pos - start > 5 || (reader.pos - start === 5 && source[reader.pos - 1]! > 0x0f)) throw new Error('illegal tag: varint overflows uint32');
  if (tag >>> 3 <= 0 || (tag & 7) > 5) throw new Error(`illegal tag: field no ${tag >>> 3} wire type ${tag & 7}`);
  return tag;
}

function compileMessage(schema: DescMessage, compiled: Map<DescMessage, CompiledMessage>): CompiledMessage {
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  const sorted = schema.fields.concat().sort((a, b) => a.number - b.number);
  const singular: DescField[] = sorted.filter((field) => field.fieldKind !== 'list' && field.fieldKind !== 'map');
  const slotOf = (field: DescField) => singular.indexOf(field);
  const message: CompiledMessage = { fields: [], byNumber: [], singularCount: singular.length };
  // Registered before its fields are compiled, so a recursive type finds itself.
  compiled.set(schema, message);
  for (const field of sorted) {
    const key = JSON.stringify(field.name) + ':';
    const compiledField: CompiledField = {
      key,
      nextKey: `,${key}`,
      slot: slotOf(field),
      wireTypes: wireTypesOf(field),
      siblingSlots: field.oneof === undefined ? [] : field.oneof.fields.filter((f) => f !== field).map(slotOf),
      zero: zeroOf(field),
      write: () => undefined,
    };
    message.fields.push(compiledField);
    message.byNumber[field.number] = compiledField;
  }
  // Writers last: a field of the message's own type needs the message compiled.
  sorted.forEach((field, index) => (message.fields[index]!.write = fieldWriter(field, compiled)));
  return message;
}

/** What toJson writes for a singular field not sent: its zero value when implicit, else nothing. */
function zeroOf(field: DescField): string | undefined {
  if (field.fieldKind !== 'scalar' && field.fieldKind !== 'enum') return undefined;
  if (field.oneof !== undefined || field.presence !== implicitPresence) return undefined;
  return zeroText(field);
}

function wireTypesOf(field: DescField): number {
  if (field.fieldKind === 'map') return 1 << WireType.LengthDelimited;
  const value = 1 << valueWireType(field);
  // A list's numbers may come packed (one length-delimited record) or one record each.
  return field.fieldKind === 'list' ? value | (1 << WireType.LengthDelimited) : value;
}

// A field's values (its own, a list's items, a map's values) are messages, enums or
// scalars: protobuf-es sets exactly one of `message`, `enum` and `scalar` to say which.

/** Writes one value of the field. */
function valueWriter(field: DescField, compiled: Map<DescMessage, CompiledMessage>): ValueWriter {
  if (field.message !== undefined) return messageWriter(field.message, compiled);
  if (field.enum !== undefined) return enumWriter(field.enum);
  return scalarWriter(field.scalar, field.utf8Validation);
}

/** The wire type one value of the field is written with. */
function valueWireType(field: DescField): WireType {
  if (field.message !== undefined) return WireType.LengthDelimited;
  if (field.enum !== undefined) return WireType.Varint;
  return scalarWireType(field.scalar);
}

/** toJson's text of an enum's or a scalar's zero value. */
function zeroText(field: DescField & { message: undefined }): string {
  return field.enum !== undefined ? enumText(field.enum, field.enum.values[0]!.number) : scalarZeroText(field.scalar);
}

/**
 * Steps over one record's value. protobuf-es's skip() also makes a view of the bytes it
 * skipped, which this never needs; groups (no type here has one) go to it.
 */
function skip(reader: BinaryReader, source: Uint8Array, wireType: WireType, fieldNo: number, depth: number): void {
  switch (wireType) {
    case WireType.Varint:
      while (source[reader.pos++]! & 0x80);
      break;
    case WireType.Bit64:
      reader.pos += 8;
      break;
    case WireType.Bit32:
      reader.pos += 4;
      break;
    case WireType.LengthDelimited: {
      const length = reader.uint32();
      reader.pos += length;
      break;
    }
    default:
      reader.skip(wireType, fieldNo, recursionLimit - depth);
      return;
  }
  if (reader.pos > source.length) throw new RangeError('premature EOF');
}

function fieldWriter(field: DescField, compiled: Map<DescMessage, CompiledMessage>): FieldWriter {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
    case 'message': {
      const write = valueWriter(field, compiled);
      return (reader, source, _start, _end, depth) => write(reader, source, depth);
    }
    case 'list': {
      const number = field.number;
      const writeItem = valueWriter(field, compiled);
      const packable = valueWireType(field) !== WireType.LengthDelimited;
      return (reader, source, start, end, depth) => {
        out.byte(0x5b);
        let first = true;
        reader.pos = start;
        while (reader.pos < end) {
          const tag = readTag(reader, source);
          const wireType = (tag & 7) as WireType;
          if (tag >>> 3 !== number) {
            skip(reader, source, wireType, tag >>> 3, depth);
          } else if (wireType === WireType.LengthDelimited && packable) {
            const packedEnd = reader.uint32() + reader.pos;
            while (reader.pos < packedEnd) {
              if (!first) out.byte(comma);
              writeItem(reader, source, depth);
              first = false;
            }
          } else {
            if (!first) out.byte(comma);
            writeItem(reader, source, depth);
            first = false;
          }
        }
        out.byte(0x5d);
      };
    }
    case 'map':
      return mapWriter(field, compiled);
  }
}

/**
 * A map field, every entry of it. Keys go through a plain object, as in the message
 * protobuf-es would have made: a later entry replaces an earlier one with its key, and
 * JavaScript's key order (integer-like keys first, ascending) is toJson's order.
 */
function mapWriter(field: DescField & { fieldKind: 'map' }, compiled: Map<DescMessage, CompiledMessage>): FieldWriter {
  const number = field.number;
  const readKey = mapKeyReader(field.mapKey, field.utf8Validation);
  const keyZero = field.mapKey === ScalarType.BOOL ? 'false' : field.mapKey === ScalarType.STRING ? '' : '0';
  const valueType = valueWireType(field);
  const writeValue = valueWriter(field, compiled);
  const writeZero: (depth: number) => void =
    field.message !== undefined ? messageZeroWriter(field.message, compiled) : ((zero) => () => out.ascii(zero))(zeroText(field));
  return (reader, source, start, end, depth) => {
    const entries: Record<string, string> = {};
    reader.pos = start;
    while (reader.pos < end) {
      const tag = readTag(reader, source);
      if (tag >>> 3 !== number) {
        skip(reader, source, (tag & 7) as WireType, tag >>> 3, depth);
        continue;
      }
      const entryEnd = reader.uint32() + reader.pos;
      let key = keyZero;
      let valueAt = -1;
      while (reader.pos < entryEnd) {
        const entryTag = readTag(reader, source);
        const wireType = (entryTag & 7) as WireType;
        if (entryTag >>> 3 === 1) {
          key = readKey(reader);
        } else if (entryTag >>> 3 === 2) {
          if (wireType !== valueType || valueAt !== -1) throw notCanonical;
          valueAt = reader.pos;
          skip(reader, source, wireType, 2, depth);
        } else {
          skip(reader, source, wireType, entryTag >>> 3, depth);
        }
      }
      const written = out.length;
      if (valueAt === -1) {
        writeZero(depth);
      } else {
        reader.pos = valueAt;
        writeValue(reader, source, depth);
        reader.pos = entryEnd;
      }
      // A key may be "__proto__": assigned plainly, it would set the object's prototype.
      Object.defineProperty(entries, key, { value: out.cut(written), enumerable: true, writable: true, configurable: true });
    }
    out.byte(0x7b);
    let first = true;
    for (const key of Object.keys(entries)) {
      if (!first) out.byte(comma);
      out.text(JSON.stringify(key));
      out.byte(0x3a);
      out.text(entries[key]!);
      first = false;
    }
    out.byte(0x7d);
  };
}

function messageWriter(schema: DescMessage, compiled: Map<DescMessage, CompiledMessage>): ValueWriter {
  if (schema.typeName === 'google.protobuf.Timestamp') return (reader, source) => out.ascii(`"${readTimestamp(reader, source)}"`);
  if (isWellKnownType(schema)) {
    // Well-known types have JSON forms of their own (a Duration is a string, a Struct any
    // object): protobuf-es makes them, from just their bytes.
    return (reader) => out.text(toJsonString(schema, fromBinary(schema, reader.bytes()), responseJsonOptions));
  }
  const message = compileMessage(schema, compiled);
  return (reader, source, depth) => writeMessage(message, reader, source, reader.uint32(), depth + 1);
}

/** A map entry's value when the entry has none: the empty message. */
function messageZeroWriter(schema: DescMessage, compiled: Map<DescMessage, CompiledMessage>): (depth: number) => void {
  if (isWellKnownType(schema)) {
    // Some have no empty form (a Value must hold one): toJson refuses those, and so this does.
    return () => out.text(toJsonString(schema, create(schema), responseJsonOptions));
  }
  const message = compileMessage(schema, compiled);
  return (depth) => writeMessage(message, new BinaryReader(new Uint8Array(0)), new Uint8Array(0), 0, depth + 1);
}

const timestampMsMin = Date.parse('0001-01-01T00:00:00Z');
const timestampMsMax = Date.parse('9999-12-31T23:59:59Z');

/** A google.protobuf.Timestamp as protobuf-es's toJson writes it (its checks and messages too). */
function readTimestamp(reader: BinaryReader, source: Uint8Array): string {
  const end = reader.uint32() + reader.pos;
  let seconds: bigint | string = 0n;
  let nanos = 0;
  while (reader.pos < end) {
    const tag = readTag(reader, source);
    const fieldNo = tag >>> 3;
    if (fieldNo === 1) seconds = reader.int64();
    else if (fieldNo === 2) nanos = reader.int32();
    else skip(reader, source, (tag & 7) as WireType, fieldNo, 0);
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

/** An enum value as toJson writes it: its name, or the number of a value an open enum does not know. */
function enumText(schema: DescEnum, value: number): string {
  const known = schema.value[value];
  return known === undefined ? String(value) : JSON.stringify(known.jsonName);
}

function enumWriter(schema: DescEnum): ValueWriter {
  const names = new Map(schema.values.map((value) => [value.number, enumText(schema, value.number)]));
  return (reader) => {
    const value = reader.int32();
    out.ascii(names.get(value) ?? String(value));
  };
}

function scalarWriter(scalar: ScalarType, utf8Validation: boolean): ValueWriter {
  switch (scalar) {
    case ScalarType.STRING:
      return (reader, source) => writeString(reader, source, utf8Validation);
    case ScalarType.BOOL:
      return (reader) => out.ascii(reader.bool() ? 'true' : 'false');
    case ScalarType.DOUBLE:
      return (reader) => out.ascii(floatText(reader.double()));
    case ScalarType.FLOAT:
      return (reader) => out.ascii(floatText(reader.float()));
    case ScalarType.BYTES:
      return (reader) => out.ascii(`"${base64Encode(reader.bytes())}"`);
    default: {
      const text = integerText(scalar);
      // 64-bit integers are decimal strings in JSON.
      return longScalars.has(scalar) ? (reader) => out.ascii(`"${text(reader)}"`) : (reader) => out.ascii(text(reader));
    }
  }
}

/**
 * A string field. Printable ASCII without a quote or backslash is its own JSON text, so it
 * is copied as it is; anything else is decoded as protobuf-es decodes it (with its UTF-8
 * check where the field asks for one) and written as JSON.stringify writes it.
 */
function writeString(reader: BinaryReader, source: Uint8Array, utf8Validation: boolean): void {
  const at = reader.pos;
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end <= source.length) {
    out.reserve(length + 2);
    const bytes = out.bytes;
    let written = out.length;
    bytes[written++] = quote;
    let index = start;
    for (; index < end; index++) {
      const byte = source[index]!;
      if (byte < 0x20 || byte > 0x7e || byte === quote || byte === 0x5c) break;
      bytes[written++] = byte;
    }
    if (index === end) {
      bytes[written++] = quote;
      out.length = written;
      reader.pos = end;
      return;
    }
  }
  reader.pos = at;
  out.text(JSON.stringify(reader.string(utf8Validation)));
}

/** A map key as the JSON object key protobuf-es gives it: the key's value as text. */
function mapKeyReader(scalar: ScalarType, utf8Validation: boolean): (reader: BinaryReader) => string {
  if (scalar === ScalarType.STRING) return (reader) => reader.string(utf8Validation);
  if (scalar === ScalarType.BOOL) return (reader) => String(reader.bool());
  return integerText(scalar);
}

const longScalars: ReadonlySet<ScalarType> = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

/** An integer as decimal text. */
function integerText(scalar: ScalarType): (reader: BinaryReader) => string {
  switch (scalar) {
    case ScalarType.INT32:
      return (reader) => String(reader.int32());
    case ScalarType.UINT32:
      return (reader) => String(reader.uint32());
    case ScalarType.SINT32:
      return (reader) => String(reader.sint32());
    case ScalarType.FIXED32:
      return (reader) => String(reader.fixed32());
    case ScalarType.SFIXED32:
      return (reader) => String(reader.sfixed32());
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
    default:
      throw new Error(`${ScalarType[scalar]} is not an integer type`);
  }
}

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

function scalarZeroText(scalar: ScalarType): string {
  if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) return '""';
  if (scalar === ScalarType.BOOL) return 'false';
  return longScalars.has(scalar) ? '"0"' : '0';
}

/** A float as toJson writes it: the number, or the name of a value JSON has no number for. */
function floatText(value: number): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (value === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (value === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  return String(value);
}

/** Whether every type `schema` reaches is one this transcoder handles exactly as toJson does. */
function isSupported(schema: DescMessage, seen = new Set<DescMessage>()): boolean {
  if (seen.has(schema) || isWellKnownType(schema)) return true;
  seen.add(schema);
  return schema.fields.every((field) => {
    if (field.presence === legacyRequiredPresence) return false;
    if ((field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) && field.delimitedEncoding) return false;
    if (field.enum !== undefined && (!field.enum.open || field.enum.typeName === 'google.protobuf.NullValue')) return false;
    return field.message === undefined || isSupported(field.message, seen);
  });
}
