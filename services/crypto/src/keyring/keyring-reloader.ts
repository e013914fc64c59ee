import type { Logger } from '@causeloop/platform/log';
import type { CryptoMetrics, ReloadOutcome } from '../metrics.js';
import { describeKeyring, type Keyring } from './keyring.js';
import { keyringFromText, readKeyringFile, type KeyringConfig } from './load-keyring.js';

/** Where handlers get the keyring: read `current` per call, since a reload swaps it. */
export interface KeyringSource {
  readonly current: Keyring;
}

export interface KeyringReloader extends KeyringSource {
  /** Re-reads the file once; a keyring that fails validation is not taken. */
  reloadNow(): Promise<ReloadOutcome>;
  /** Re-reads every `intervalMs` until `stop()`. */
  start(intervalMs: number): void;
  stop(): void;
}

export interface KeyringReloaderOptions {
  readonly file: string;
  readonly config: KeyringConfig;
  readonly initial: Keyring;
  readonly logger: Logger;
  readonly metrics: CryptoMetrics;
  /** Extra checks a new keyring must pass before it is used (the wrap round trip). */
  readonly verify?: (keyring: Keyring) => void;
}

/** A keyring that never changes (the env form, tests). */
export function createStaticKeyringSource(keyring: Keyring): KeyringSource {
  return { current: keyring };
}

/**
 * Follows `CAUSELOOP_MASTER_KEY_FILE`, so a Kubernetes Secret update (a new version and,
 * with it, a new primary) takes effect without a restart. Kubelet swaps the mounted file
 * atomically, but an operator can still save a broken secret: then the previous keyring
 * stays in use, an error is logged (variable names only) and the failure is counted.
 */
export function createKeyringReloader(options: KeyringReloaderOptions): KeyringReloader {
  const { logger, metrics } = options;
  let current = options.initial;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ReloadOutcome> | undefined;

  async function reload(): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    try {
      const next = keyringFromText(await readKeyringFile(options.file), 'CAUSELOOP_MASTER_KEY_FILE', options.config);
      const before = describeKeyring(current);
      const after = describeKeyring(next);
      if (JSON.stringify(before) === JSON.stringify(after)) {
        outcome = 'unchanged';
      } else {
        options.verify?.(next);
        current = next;
        outcome = 'updated';
        logger.info({ previous: before, keyring: after }, 'keyring reloaded');
      }
    } catch (error) {
      outcome = 'failed';
      // The message names variables and versions only; it never carries key text.
      const problem = error instanceof Error ? error.message : String(error);
      logger.error({ problem }, 'keyring reload failed; keeping the previous keyring');
    }
    metrics.keyringReloads.inc({ outcome });
    return outcome;
  }

  function reloadNow(): Promise<ReloadOutcome> {
    // One re-read at a time: a slow volume must not stack up overlapping reads.
    running ??= reload().finally(() => (running = undefined));
    return running;
  }

  return {
    get current() {
      return current;
    },
    reloadNow,
    start(intervalMs) {
      // unref: the timer alone never keeps a draining process alive.
      timer ??= setInterval(() => void reloadNow(), intervalMs).unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
