import { expect } from 'vitest';
import { isCauseloopClientError, type CauseloopClientError } from '../../src/index.js';

/** What `call` rejected with, checked to be the client's one typed error. */
export async function rejection(call: Promise<unknown>): Promise<CauseloopClientError> {
  const error: unknown = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isCauseloopClientError(error), String(error)).toBe(true);
  return error as CauseloopClientError;
}
