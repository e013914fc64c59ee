// Loaded with `--import` ahead of a service's own options: appends the URL of every
// @opentelemetry module the process loads (by import or require) to $MODULE_PROBE_FILE,
// so a test can tell which OpenTelemetry packages a service process holds.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.MODULE_PROBE_FILE;
if (file !== undefined) {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.includes('/node_modules/@opentelemetry/')) appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
