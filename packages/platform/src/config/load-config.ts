import { CauseloopError, type FieldViolation } from '../errors/causeloop-error.js';
import type { EnvVar } from './env-var.js';

export type ConfigSchema = Readonly<Record<string, EnvVar<unknown>>>;

/** The resolved, typed configuration a schema describes. */
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

/**
 * Reads every variable the schema names from `source` (normally `process.env`, and only
 * ever read here), and either returns a frozen, typed config or throws one
 * `config_invalid` error naming every missing or malformed variable, so an operator fixes
 * them all in one go. Secret values are never part of the message.
 */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  source: Readonly<Record<string, string | undefined>> = process.env,
): ConfigOf<S> {
  const resolved: Record<string, unknown> = {};
  const violations: FieldViolation[] = [];
  for (const [key, variable] of Object.entries(schema)) {
    const result = variable.parse(source[variable.name]);
    if (result.ok) resolved[key] = result.value;
    else violations.push({ field: variable.name, description: result.problem });
  }
  throwIfConfigInvalid(violations);
  return Object.freeze(resolved) as ConfigOf<S>;
}

/**
 * Throws one `config_invalid` error naming every violation, in loadConfig's form; for the
 * checks a service makes after loading (how variables fit together). Does nothing when
 * there are none.
 */
export function throwIfConfigInvalid(violations: readonly FieldViolation[]): void {
  if (violations.length === 0) return;
  const lines = violations.map((violation) => `  ${violation.field} ${violation.description}`);
  throw new CauseloopError('config_invalid', `invalid configuration:\n${lines.join('\n')}`, { violations });
}
