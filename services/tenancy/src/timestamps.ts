type TimestampInit = { seconds: bigint; nanos: number };

/** A Date as a `google.protobuf.Timestamp` init object. */
export function toTimestamp(date: Date): TimestampInit {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}
