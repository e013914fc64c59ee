import type { SlotKind } from './slot.js';

// Masking works on the whole message text, pass after pass (mask-rules.ts). Each value a
// pass takes out is replaced by one sentinel character from the Unicode private use area,
// so later passes cannot match inside it (no letter, digit or space) and the tokeniser
// keeps it in one token, whatever spaces the value had (`Dec  7 12:00:01`).

const firstSentinel = 0xe000;
const sentinelCapacity = 0xf8ff - firstSentinel + 1;

/** Matches one sentinel character. */
export const sentinelClass = '\\uE000-\\uF8FF';
const sentinelPattern = new RegExp(`[${sentinelClass}]`, 'g');

export interface MaskedValue {
  /** undefined: a value kept verbatim because it names a cause (see mask-rules.ts). */
  readonly kind: SlotKind | undefined;
  readonly text: string;
}

export interface Masker {
  /** A sentinel standing for `text` (earlier sentinels inside it are folded back in). */
  slot(kind: SlotKind, text: string): string;
  /** A sentinel for `text` that the tokeniser puts back verbatim. */
  keep(text: string): string;
  /** The value behind sentinel character `char`, if it is one. */
  valueOf(char: string): MaskedValue | undefined;
  /** `text` with every sentinel replaced by the original text it stands for. */
  expand(text: string): string;
}

export function createMasker(): Masker {
  const values: MaskedValue[] = [];
  const valueOf = (char: string): MaskedValue | undefined => values[char.charCodeAt(0) - firstSentinel];
  const expand = (text: string): string => text.replace(sentinelPattern, (char) => valueOf(char)?.text ?? char);
  const add = (kind: SlotKind | undefined, text: string): string => {
    // A pathological message with thousands of values keeps the rest unmasked rather than fail.
    if (values.length >= sentinelCapacity) return text;
    values.push({ kind, text: expand(text) });
    return String.fromCharCode(firstSentinel + values.length - 1);
  };
  return { slot: add, keep: (text) => add(undefined, text), valueOf, expand };
}
