const timeZones = new Set(Intl.supportedValuesOf('timeZone'));

/**
 * Whether a time zone exists in the runtime's zone database (the proto's rules have
 * already checked its shape): the problem, or undefined for an IANA zone name Node knows
 * (its list omits aliases such as "UTC", hence the fallback).
 */
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
