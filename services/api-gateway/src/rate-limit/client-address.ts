import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { CauseloopError } from '@causeloop/platform/errors';

/**
 * Turns the TCP peer and `X-Forwarded-For` into the key a client is limited by: an IPv4
 * address, or an IPv6 /64 prefix written `2001:db8:1:2::/64`.
 */
export type ClientAddressResolver = (remoteAddress: string, xForwardedFor: string | undefined) => string;

export interface ClientAddressResolverOptions {
  /** CIDRs (or bare addresses) of proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`). */
  readonly trustedProxies: readonly string[];
}

interface ParsedAddress {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  /** The eight 16-bit groups, IPv6 only. */
  readonly groups?: readonly number[];
}

/** Key for peers whose address cannot be read (a socket already gone); they share one bucket. */
export const unknownClientKey = 'unknown';

/**
 * Walks `X-Forwarded-For` from the right only while the hop that wrote the next entry is
 * a trusted proxy. Everything left of the first untrusted hop was written by the client
 * itself, so a client rotating fake entries still lands in its own bucket.
 */
export function createClientAddressResolver(options: ClientAddressResolverOptions): ClientAddressResolver {
  const trusted = new BlockList();
  for (const cidr of options.trustedProxies) addTrustedRange(trusted, cidr);
  const anyTrusted = options.trustedProxies.length > 0;
  const isTrusted = (peer: ParsedAddress): boolean => trusted.check(peer.address, peer.family);

  return (remoteAddress, xForwardedFor) => {
    let client = parseAddress(remoteAddress);
    if (client === undefined) return unknownClientKey;
    if (!anyTrusted || xForwardedFor === undefined || !isTrusted(client)) return clientKey(client);
    const hops = xForwardedFor.split(',');
    for (let index = hops.length - 1; index >= 0 && isTrusted(client); index -= 1) {
      const hop = parseAddress(hops[index] ?? '');
      // A trusted proxy wrote this entry, so garbage here is a proxy fault: limit by
      // the proxy rather than by a string anyone upstream could vary.
      if (hop === undefined) break;
      client = hop;
    }
    return clientKey(client);
  };
}

function addTrustedRange(list: BlockList, cidr: string): void {
  const invalid = (reason: string): CauseloopError =>
    new CauseloopError('config_invalid', `trusted proxy ${JSON.stringify(cidr)} is not a valid CIDR: ${reason}`, {
      violations: [{ field: 'TRUSTED_PROXIES', description: `${JSON.stringify(cidr)}: ${reason}` }],
    });
  const parts = cidr.trim().split('/');
  if (parts.length > 2) throw invalid('more than one "/"');
  const [address = '', prefixText] = parts;
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  if (family === undefined) throw invalid('not an IPv4 or IPv6 address');
  const bits = family === 'ipv4' ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) throw invalid('the prefix length must be a number');
    prefix = Number(prefixText);
    if (prefix > bits) throw invalid(`the prefix length must be at most ${bits}`);
  }
  const parsed = parseAddress(address);
  // Peers are normalised from IPv4-mapped IPv6 to IPv4 before checking, so a mapped
  // range must be stored as the IPv4 range it denotes.
  if (family === 'ipv6' && parsed?.family === 'ipv4' && prefix >= 96) {
    list.addSubnet(parsed.address, prefix - 96, 'ipv4');
  } else {
    list.addSubnet(address, prefix, family);
  }
}

function clientKey(peer: ParsedAddress): string {
  if (peer.groups === undefined) return peer.address;
  // One IPv6 subscriber usually gets a whole /64, so per-address buckets would let it
  // mint 2^64 fresh ones.
  return `${peer.groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** Accepts what sockets and proxies write: bare, bracketed, with port or zone. */
function parseAddress(raw: string): ParsedAddress | undefined {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1] !== undefined) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.indexOf(':'));
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return { family: 'ipv4', address: text };
  if (!isIPv6(text)) return undefined;
  const groups = expandIPv6(text);
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return { family: 'ipv4', address: [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.') };
  }
  return { family: 'ipv6', address: text, groups };
}

/** `text` has passed `isIPv6`, so only the shapes that check allows need handling. */
function expandIPv6(text: string): number[] {
  const toGroups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((piece) => {
      if (!piece.includes('.')) return [Number.parseInt(piece, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const gap = text.indexOf('::');
  if (gap < 0) return toGroups(text);
  const head = toGroups(text.slice(0, gap));
  const tail = toGroups(text.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
