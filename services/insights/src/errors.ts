import { CauseloopError } from '@causeloop/platform/errors';

/**
 * A status change the workflow does not allow: 400 / FAILED_PRECONDITION `invalid_transition`,
 * naming the moves it does allow from the current status (in the message and as the field's
 * violation), so a client can offer them.
 */
export function invalidTransition(what: 'issue' | 'pattern' | 'recommendation', from: string, to: string, allowed: readonly string[]): CauseloopError {
  const moves = allowed.length === 0 ? 'none' : allowed.join(', ');
  const description = `cannot move from ${from} to ${to}; allowed from ${from}: ${moves}`;
  return new CauseloopError('invalid_transition', `the ${what}'s status ${description}`, { violations: [{ field: 'status', description }] });
}

/** A pattern that was merged away takes no issues and no changes: its issues live in `mergedInto`. */
export function patternMerged(mergedInto: string | null): CauseloopError {
  return new CauseloopError('unprocessable', `the pattern was merged into ${mergedInto ?? 'another pattern'}; use that one`);
}
