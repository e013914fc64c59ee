import { keyBytes } from '@causeloop/platform/crypto';
import { maxKekVersion } from '../config.js';

/** One KEK as configured: its version and its 32 bytes. */
export interface KekEntry {
  readonly version: number;
  readonly key: Buffer;
}

export interface ParsedMasterKey {
  readonly entries: readonly KekEntry[];
  /** What is wrong, each naming `variable` and never a key. Empty when the value is usable. */
  readonly problems: readonly string[];
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const versionPattern = /^[1-9]\d*$/;

/**
 * Parses a keyring value: one bare base64 key (version 1), or `<version>:<base64>`
 * entries separated by commas or newlines. Every problem is collected so an operator fixes
 * them all at once; messages name the variable and the entry's position or version, never
 * the key text itself.
 */
export function parseMasterKey(text: string, variable: string): ParsedMasterKey {
  const items = text
    .split(/[,\n\r]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return { entries: [], problems: [`${variable} holds no key`] };

  const entries: KekEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<number>();
  const single = items.length === 1 && !items[0]!.includes(':');

  items.forEach((item, index) => {
    const position = `entry ${index + 1}`;
    let version = 1;
    let encoded = item;
    if (!single) {
      const colon = item.indexOf(':');
      const versionText = colon < 0 ? '' : item.slice(0, colon).trim();
      if (colon < 0 || !versionPattern.test(versionText) || Number(versionText) > maxKekVersion) {
        problems.push(`${variable} ${position} must be <version>:<base64 key> with a version from 1 to ${maxKekVersion}`);
        return;
      }
      version = Number(versionText);
      encoded = item.slice(colon + 1).trim();
    }
    const label = single ? variable : `${variable} version ${version}`;
    if (!base64Pattern.test(encoded)) {
      problems.push(`${label} is not valid base64`);
      return;
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== keyBytes) {
      problems.push(`${label} must decode to ${keyBytes} bytes, got ${key.length}`);
      return;
    }
    if (seen.has(version)) {
      problems.push(`${variable} lists version ${version} more than once`);
      return;
    }
    seen.add(version);
    entries.push({ version, key });
  });
  return { entries, problems };
}
