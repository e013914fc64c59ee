// The buffer the answer transcoder (json-transcoder.ts) writes JSON text into: one that
// fits nearly every answer, grown for a larger one and given back after it, so one big
// answer does not hold memory for good.
const initialOutBytes = 64 * 1024;
const retainedOutBytes = 1024 * 1024;

/**
 * The text being written, in one buffer reused by every answer: a transcoding runs from
 * start to end without yielding, so no two ever share it.
 */
export const out = {
  bytes: Buffer.allocUnsafeSlow(initialOutBytes),
  length: 0,
  reserve(size: number): void {
    if (this.length + size <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.length + size));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  },
  /** Text known to be ASCII (names, numbers, literals). */
  ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  },
  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  },
  /** Any text, as UTF-8. */
  text(text: string): void {
    this.reserve(3 * text.length);
    this.length += this.bytes.write(text, this.length, 'utf8');
  },
  /** What was written from `start` on, as text, taken back out of the buffer. */
  cut(start: number): string {
    const text = this.bytes.toString('utf8', start, this.length);
    this.length = start;
    return text;
  },
  take(): string {
    const text = this.bytes.toString('utf8', 0, this.length);
    if (this.bytes.length > retainedOutBytes) this.bytes = Buffer.allocUnsafeSlow(initialOutBytes);
    return text;
  },
};
