import type { FieldViolation } from '@causeloop/platform/errors';

// Field rules of workspaces and organizations (issue #6), each returning the problem or
// undefined, so a handler can collect every violation of a request into one error.

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$/;

export function nameProblem(value: string): string | undefined {
  const length = [...value.trim()].length;
  return length < 2 || length > 100 ? 'must be 2-100 characters' : undefined;
}

/** 2-63 lower-case letters, digits and single hyphens, not starting or ending with one. */
export function slugProblem(value: string): string | undefined {
  return slugPattern.test(value) && !value.includes('--')
    ? undefined
    : 'must be 2-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit';
}

export function descriptionProblem(value: string): string | undefined {
  return [...value].length > 2000 ? 'must be at most 2,000 characters' : undefined;
}

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));

/** An IANA zone name Node knows (its list omits aliases such as "UTC", hence the fallback). */
export function timezoneProblem(value: string): string | undefined {
  if (timeZones.has(value)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
    // Offsets like "+01:00" are accepted by Intl but are not IANA names.
    return /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(value) && resolved !== '' ? undefined : 'must be an IANA time zone';
  } catch {
    return 'must be an IANA time zone';
  }
}

export function confidenceProblem(value: number): string | undefined {
  return Number.isFinite(value) && value >= 0 && value <= 1 ? undefined : 'must be from 0 to 1';
}

export function proofWindowProblem(value: number): string | undefined {
  return value >= 7 && value <= 365 ? undefined : 'must be from 7 to 365 days';
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(value: string): string | undefined {
  return value.length >= 3 && value.length <= 320 && emailPattern.test(value) ? undefined : 'must be an email address';
}

/** Collects `[field, problem]` pairs whose problem is set. */
export function violationsOf(checks: readonly (readonly [string, string | undefined])[]): FieldViolation[] {
  return checks.flatMap(([field, description]) => (description === undefined ? [] : [{ field, description }]));
}
