import { CauseloopError } from '@causeloop/platform/errors';

/**
 * The PostgreSQL errors `governance_erase_subject` raises on purpose (0014), as API errors:
 * object_not_in_prerequisite_state (the subject cannot be erased now) and its own
 * insufficient_privilege refusals, told apart from a real permission failure by message.
 * Anything else is not a refusal and stays an internal error.
 */
export function erasureRefusal(error: unknown): CauseloopError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  if (code === '55000') return new CauseloopError('unprocessable', `cannot erase: ${message}`);
  if (code === '42501' && !message.includes('permission denied')) return new CauseloopError('permission_denied', message);
  return undefined;
}
