/** Helpers that forge and damage compact JWTs for the adversarial tests. */

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An unsecured token (`alg: none`) carrying the given claims. */
export function unsecuredToken(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${base64url({ ...header, alg: 'none' })}.${base64url(payload)}.`;
}

/** The same token with one claim changed and the original signature kept. */
export function withTamperedPayload(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url({ ...decodePart(token, 1), ...changes })}.${signature}`;
}

export function withTruncatedSignature(token: string): string {
  return token.slice(0, -4);
}
