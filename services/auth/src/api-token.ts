import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CauseloopError } from '@causeloop/platform/errors';
import { apiTokenPrefixes, type ApiTokenKind } from '@causeloop/platform/identity';

// API tokens in GitHub's format (DESIGN §6): a prefix naming the kind (the platform's
// apiTokenPrefixes, which every service reads), a random base62 body and a base62 CRC32
// checksum. The checksum lets us refuse a typo or a made-up token without a database hit;
// it is no secret and no MAC: it only filters noise before the hash lookup.

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 base62 characters ≈ 190 bits: far beyond guessing, and above DESIGN's minimum of 30. */
const bodyLength = 32;
/** 62^6 > 2^32, so six characters hold any CRC32. */
const checksumLength = 6;
const displayBodyLength = 4;
const base62 = /^[0-9A-Za-z]+$/;

export function generateApiToken(kind: ApiTokenKind): string {
  const prefix = apiTokenPrefixes[kind];
  let body = '';
  // randomInt draws without modulo bias (it rejects out-of-range samples internally).
  for (let i = 0; i < bodyLength; i += 1) body += alphabet.charAt(randomInt(alphabet.length));
  return prefix + body + checksumOf(prefix + body);
}

/**
 * The token's kind when its prefix, length, alphabet and checksum are right; undefined
 * otherwise. No I/O: callers refuse an undefined result before touching the database.
 */
export function parseApiToken(text: string): { kind: ApiTokenKind } | undefined {
  const kind = kindOf(text);
  if (kind === undefined) return undefined;
  const prefix = apiTokenPrefixes[kind];
  if (text.length !== prefix.length + bodyLength + checksumLength) return undefined;
  const rest = text.slice(prefix.length);
  if (!base62.test(rest)) return undefined;
  const body = rest.slice(0, bodyLength);
  const checksum = rest.slice(bodyLength);
  return checksumOf(prefix + body) === checksum ? { kind } : undefined;
}

/** What the database stores and looks tokens up by; the token itself is never stored. */
export function hashApiToken(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Enough of the token for a person to recognise it in a list ("clp_pat_a1B2…"), too
 * little to help anyone guess it.
 */
export function apiTokenDisplayPrefix(text: string): string {
  const kind = kindOf(text);
  if (kind === undefined) throw new CauseloopError('invalid_argument', 'not a Causeloop API token');
  return text.slice(0, apiTokenPrefixes[kind].length + displayBodyLength);
}

function kindOf(text: string): ApiTokenKind | undefined {
  if (text.startsWith(apiTokenPrefixes.personal_access)) return 'personal_access';
  if (text.startsWith(apiTokenPrefixes.service_account)) return 'service_account';
  return undefined;
}

function checksumOf(text: string): string {
  let value = crc32(text);
  let encoded = '';
  for (let i = 0; i < checksumLength; i += 1) {
    encoded = alphabet.charAt(value % alphabet.length) + encoded;
    value = Math.floor(value / alphabet.length);
  }
  return encoded;
}
