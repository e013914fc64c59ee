/**
 * Encodes the additional authenticated data of a seal as a fixed, unambiguous byte
 * string: each part as a 4-byte big-endian length followed by its bytes. Plain
 * concatenation would let ("ab", "c") and ("a", "bc") authenticate alike; with lengths, a
 * ciphertext bound to one workspace, table or column never opens under another.
 */
export function encodeAssociatedData(parts: readonly (string | Uint8Array)[]): Buffer {
  const encoded = parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part));
  const output = Buffer.allocUnsafe(encoded.reduce((total, part) => total + 4 + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    offset = output.writeUInt32BE(part.length, offset);
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}
