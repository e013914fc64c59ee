/** A dependency the process needs before it should receive traffic (database, channel…). */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, 'ok' | 'failing' | 'draining'>>;
}

export interface Readiness {
  /** Registers a named check; it fails by throwing or rejecting. */
  register(name: string, check: ReadinessCheck): void;
  /** Makes every later report "not ready": the first step of a graceful shutdown. */
  startDraining(): void;
  readonly draining: boolean;
  report(): Promise<ReadinessReport>;
}

/**
 * Readiness driven by registered checks rather than a constant: the process is ready
 * when every check passes within `checkTimeoutMs` and it is not draining.
 */
export function createReadiness(options: { checkTimeoutMs?: number } = {}): Readiness {
  const checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
  const checks = new Map<string, ReadinessCheck>();
  let draining = false;

  async function passes(check: ReadinessCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('readiness check timed out')), checkTimeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    register(name, check) {
      if (checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
      checks.set(name, check);
    },
    startDraining() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    async report() {
      const entries = await Promise.all(
        [...checks].map(async ([name, check]) => [name, (await passes(check)) ? 'ok' : 'failing'] as const),
      );
      const results: Record<string, 'ok' | 'failing' | 'draining'> = Object.fromEntries(entries);
      if (draining) results['shutdown'] = 'draining';
      return { ready: !draining && entries.every(([, result]) => result === 'ok'), checks: results };
    },
  };
}
