/** PostgreSQL unique_violation, classified by SQLSTATE rather than message text. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
