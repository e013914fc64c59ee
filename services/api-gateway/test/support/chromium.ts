import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Debian's `chromium` on the PATH, or undefined. */
export function findChromium(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Whether a test file that needs a browser must be skipped: `.ci/run` installs chromium, so
 * under `CI` a missing binary throws (the file fails, naming the cause) rather than letting
 * the browser tests pass by not running; elsewhere the skip is announced by name.
 */
export function skipWithoutChromium(testFile: string): boolean {
  if (findChromium() !== undefined) return false;
  const message = `chromium is not on the PATH, so ${testFile} cannot run (install the Debian package chromium; .ci/run does)`;
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
  return true;
}

/** Flags for a headless run in a container: no sandbox (root), and nothing that phones home. */
export const headlessChromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
