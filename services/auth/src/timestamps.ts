import type { Timestamp } from '@bufbuild/protobuf/wkt';

type TimestampInit = { seconds: bigint; nanos: number };

/** A Date as a `google.protobuf.Timestamp` init object (no dependency beyond the types). */
export function toTimestamp(date: Date): TimestampInit {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function optionalTimestamp(date: Date | null | undefined): TimestampInit | undefined {
  return date === null || date === undefined ? undefined : toTimestamp(date);
}

export function fromTimestamp(timestamp: Timestamp): Date {
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000));
}
