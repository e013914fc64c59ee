import { createHash } from 'node:crypto';
import type { Slot, SlotKind } from './slot.js';

// A pattern's identity: its template, and where it happened. The same template in another
// service or component is another pattern (one team's timeout is not another's). Service
// and component are trimmed and lower-cased, so `Checkout ` and `checkout` are one; either
// may be empty.

/**
 * Part of every fingerprint. Bump it when a change to normalisation or mining would give
 * existing messages other templates, so stored fingerprints are known to be from before.
 */
export const fingerprintVersion = 1;

export interface FingerprintParts {
  readonly template: string;
  readonly service?: string | undefined;
  readonly component?: string | undefined;
}

/** sha256, base64url (43 characters), over an unambiguous encoding of the parts. */
export function fingerprintOf(parts: FingerprintParts): string {
  const encoded = JSON.stringify([fingerprintVersion, parts.template, normalizeName(parts.service), normalizeName(parts.component)]);
  return createHash('sha256').update(encoded).digest('base64url');
}

function normalizeName(name: string | undefined): string {
  return (name ?? '').trim().toLowerCase();
}

/**
 * Why an issue joined its pattern. Grouping produces `template` (the record matched a
 * template with variables) and `exact` (its text had nothing variable); the service adds
 * `merged` and `split` when a merge or split rule decided instead.
 */
export type GroupingRule = 'template' | 'exact' | 'merged' | 'split';

/** A value that filled a template position: a normaliser slot, or a word the miner found variable. */
export interface ExplainedSlot {
  readonly kind: SlotKind | 'variable';
  readonly value: string;
}

export interface GroupingExplanation {
  readonly template: string;
  readonly slots: readonly ExplainedSlot[];
  readonly rule: GroupingRule;
}

export function explainGrouping(template: string, slots: readonly Slot[], variables: readonly string[]): GroupingExplanation {
  const explained: ExplainedSlot[] = [...slots, ...variables.map((value) => ({ kind: 'variable' as const, value }))];
  return { template, slots: explained, rule: explained.length === 0 && !template.includes('<*>') ? 'exact' : 'template' };
}
