export interface ConnectionUrlParts {
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
}

/** `base` with the given user, password and database swapped in (each URL-encoded). */
export function withConnectionParts(base: string, parts: ConnectionUrlParts): string {
  const url = new URL(base);
  if (parts.user !== undefined) url.username = encodeURIComponent(parts.user);
  if (parts.password !== undefined) url.password = encodeURIComponent(parts.password);
  if (parts.database !== undefined) url.pathname = `/${encodeURIComponent(parts.database)}`;
  return url.toString();
}
