import type { DescMessage } from '@bufbuild/protobuf';

/**
 * Whether `schema` is one of protobuf's well-known types (Timestamp, Duration, Struct,
 * Empty…), which have JSON forms of their own. Asked by type name, as protobuf-es's own
 * JSON reader and writer ask.
 */
export function isWellKnownType(schema: DescMessage): boolean {
  return schema.typeName.startsWith('google.protobuf.');
}
