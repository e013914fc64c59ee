/**
 * One environment variable: its name and how to turn the raw string into a typed value.
 * `parse` returns a problem description instead of throwing, so `loadConfig` can report
 * every bad variable at once.
 */
export interface EnvVar<T> {
  readonly name: string;
  /** Secret values are never echoed back in error messages. */
  readonly secret: boolean;
  parse(raw: string | undefined): ParseResult<T>;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

interface CommonOptions<T> {
  /** Used when the variable is unset or empty. Without it the variable is required. */
  readonly default?: T;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const problem = <T>(text: string): ParseResult<T> => ({ ok: false, problem: text });

function define<T>(
  name: string,
  options: CommonOptions<T>,
  convert: (raw: string) => ParseResult<T>,
  secret = false,
): EnvVar<T> {
  return {
    name,
    secret,
    parse(raw) {
      const trimmed = raw?.trim() ?? '';
      if (trimmed === '') return 'default' in options ? ok(options.default as T) : problem('is required');
      return convert(trimmed);
    },
  };
}

/** Marks a variable as optional: unset reads as `undefined`, set values are still checked. */
export function optional<T>(variable: EnvVar<T>): EnvVar<T | undefined> {
  return {
    name: variable.name,
    secret: variable.secret,
    parse: (raw) => ((raw?.trim() ?? '') === '' ? ok(undefined) : variable.parse(raw)),
  };
}

export const env = {
  string(name: string, options: CommonOptions<string> = {}): EnvVar<string> {
    return define(name, options, ok);
  },

  integer(name: string, options: CommonOptions<number> & { min?: number; max?: number } = {}): EnvVar<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    return define(name, options, (raw) => {
      const value = Number(raw);
      return /^-?\d+$/.test(raw) && value >= min && value <= max
        ? ok(value)
        : problem(`must be an integer from ${min} to ${max}, got "${raw}"`);
    });
  },

  port(name: string, options: CommonOptions<number> = {}): EnvVar<number> {
    return define(name, options, (raw) => {
      const value = Number(raw);
      // 0 asks the operating system for a free port (tests, the local runner).
      return /^\d+$/.test(raw) && value <= 65_535 ? ok(value) : problem(`must be a port number (0-65535), got "${raw}"`);
    });
  },

  oneOf<const T extends string>(name: string, values: readonly T[], options: CommonOptions<T> = {}): EnvVar<T> {
    return define(name, options, (raw) =>
      (values as readonly string[]).includes(raw)
        ? ok(raw as T)
        : problem(`must be one of ${values.join(', ')}, got "${raw}"`),
    );
  },

  boolean(name: string, options: CommonOptions<boolean> = {}): EnvVar<boolean> {
    return define(name, options, (raw) => {
      if (['true', '1', 'yes'].includes(raw.toLowerCase())) return ok(true);
      if (['false', '0', 'no'].includes(raw.toLowerCase())) return ok(false);
      return problem(`must be true or false, got "${raw}"`);
    });
  },

  /** A URL whose scheme is one of `protocols` (e.g. `['postgres:', 'postgresql:']`). */
  url(name: string, options: CommonOptions<string> & { protocols: readonly string[]; secret?: boolean }): EnvVar<string> {
    const secret = options.secret ?? false;
    return define(
      name,
      options,
      (raw) => {
        let parsed: URL;
        try {
          parsed = new URL(raw);
        } catch {
          // A database URL carries a password: never echo it.
          return problem(secret ? 'is not a valid URL' : `is not a valid URL: "${raw}"`);
        }
        return options.protocols.includes(parsed.protocol)
          ? ok(raw)
          : problem(`must use ${options.protocols.map((p) => p.replace(/:$/, '')).join(' or ')}, got ${parsed.protocol.replace(/:$/, '')}`);
      },
      secret,
    );
  },

  /** Comma-separated list, trimmed, empty entries dropped. */
  list(name: string, options: CommonOptions<readonly string[]> = {}): EnvVar<readonly string[]> {
    return define(name, options, (raw) =>
      ok(
        raw
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      ),
    );
  },

  /**
   * Comma-separated web origins (`https://app.example.com`, `http://localhost:3000`), each
   * exactly scheme, host and optional port: what a browser sends in `Origin`. Wildcards,
   * paths and `null` are refused, so an allowlist can only name real origins.
   */
  origins(name: string, options: CommonOptions<readonly string[]> = {}): EnvVar<readonly string[]> {
    return define(name, options, (raw) => {
      const origins: string[] = [];
      for (const entry of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(entry);
        } catch {
          parsed = undefined;
        }
        const exact = parsed !== undefined && ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === entry;
        if (!exact || entry.includes('*')) {
          return problem(`must list origins like https://app.example.com (scheme, host, optional port; no path, no wildcard), got "${entry}"`);
        }
        origins.push(entry);
      }
      return ok(origins);
    });
  },

  /** A secret string of at least `minLength` characters; its value never appears in errors. */
  secret(name: string, options: CommonOptions<string> & { minLength?: number } = {}): EnvVar<string> {
    const minLength = options.minLength ?? 1;
    return define(
      name,
      options,
      (raw) => (raw.length >= minLength ? ok(raw) : problem(`must be at least ${minLength} characters long`)),
      true,
    );
  },
};
