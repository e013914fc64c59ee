const bearer = /^Bearer +(\S+)$/i;

/**
 * The token of an `authorization: Bearer <token>` value (gRPC metadata or an HTTP header),
 * the scheme matched case-insensitively as RFC 9110 says; undefined for anything else, a
 * missing or binary value included.
 */
export function bearerToken(authorization: unknown): string | undefined {
  return typeof authorization === 'string' ? bearer.exec(authorization.trim())?.[1] : undefined;
}
