import { canonicalUuid } from '@causeloop/platform/ids';
import type { Keyring } from '../keyring/keyring.js';
import { unwrapDataKey, wrapDataKey, type UnwrapFailureReason } from '../keyring/wrapped-key.js';
import type { CryptoMetrics, CryptoOperation, OperationOutcome } from '../metrics.js';

/** The outcome of one key, shared by the single and the batch handlers. */
export type ItemOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: 'invalid_argument' }
  | { readonly ok: false; readonly code: 'decryption_failed'; readonly reason: UnwrapFailureReason; readonly kekVersion: number | undefined };

export interface KeyOnKek {
  readonly key: Uint8Array;
  readonly kekVersion: number;
}

export function unwrapItem(keyring: Keyring, workspaceId: string, wrapped: Uint8Array): ItemOutcome<KeyOnKek> {
  const workspace = canonicalUuid(workspaceId);
  if (workspace === undefined) return { ok: false, code: 'invalid_argument' };
  try {
    const { dataKey, kekVersion } = unwrapDataKey(keyring, workspace, wrapped);
    return { ok: true, value: { key: dataKey, kekVersion } };
  } catch (error) {
    return decryptionFailure(error);
  }
}

/** Moves a key onto the primary; a key already there is returned as it came (after it unwrapped). */
export function rewrapItem(keyring: Keyring, workspaceId: string, wrapped: Uint8Array): ItemOutcome<KeyOnKek> {
  const workspace = canonicalUuid(workspaceId);
  if (workspace === undefined) return { ok: false, code: 'invalid_argument' };
  let unwrapped;
  try {
    unwrapped = unwrapDataKey(keyring, workspace, wrapped);
  } catch (error) {
    return decryptionFailure(error);
  }
  const { primary } = keyring;
  if (unwrapped.kekVersion === primary.version) return { ok: true, value: { key: wrapped, kekVersion: primary.version } };
  const rewrapped = wrapDataKey(primary, workspace, unwrapped.dataKey);
  // The plaintext DEK never leaves this function: wipe it rather than leave it to the GC.
  unwrapped.dataKey.fill(0);
  return { ok: true, value: { key: rewrapped, kekVersion: primary.version } };
}

function decryptionFailure(error: unknown): ItemOutcome<never> {
  if (error instanceof Error && error.name === 'UnwrapFailure') {
    const { reason, kekVersion } = error as Error & { reason: UnwrapFailureReason; kekVersion: number | undefined };
    return { ok: false, code: 'decryption_failed', reason, kekVersion };
  }
  throw error;
}

/**
 * Counts a call's item outcomes and adds them to the metrics once: a batch of 1,000 costs
 * a handful of counter updates, not 1,000.
 */
export function createOutcomeTally(operation: CryptoOperation) {
  const outcomes = new Map<OperationOutcome, number>();
  const reasons = new Map<UnwrapFailureReason, number>();
  return {
    add(outcome: ItemOutcome<unknown>): void {
      const label: OperationOutcome = outcome.ok ? 'ok' : outcome.code;
      outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
      if (!outcome.ok && outcome.code === 'decryption_failed') reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1);
    },
    /** Failure counts by reason, for one log line per call. */
    get failureReasons(): Readonly<Record<string, number>> {
      return Object.fromEntries(reasons);
    },
    flush(metrics: CryptoMetrics): void {
      for (const [outcome, count] of outcomes) metrics.operations.inc({ operation, outcome }, count);
      for (const [reason, count] of reasons) metrics.decryptFailures.inc({ reason }, count);
    },
  };
}
