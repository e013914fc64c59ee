import { isCauseloopError } from '@causeloop/platform/errors';

/** What a failed call rejected with: the catalogue code and the message the caller sees. */
export async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await call.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  if (!isCauseloopError(error)) throw new Error(`expected a CauseloopError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}
