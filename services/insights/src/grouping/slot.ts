/** The kinds of variable the normaliser recognises; each becomes the placeholder `<kind>`. */
export type SlotKind =
  | 'url'
  | 'email'
  | 'uuid'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'mac'
  | 'ip'
  | 'host'
  | 'path'
  | 'hash'
  | 'base64'
  | 'objid'
  | 'hex'
  | 'id'
  | 'duration'
  | 'size'
  | 'version'
  | 'quoted'
  | 'bool'
  | 'num';

/** One variable value taken out of a message: what it was recognised as, and its text. */
export interface Slot {
  readonly kind: SlotKind;
  readonly value: string;
}

export function placeholderOf(kind: SlotKind): string {
  return `<${kind}>`;
}
