import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactSecretKeys } from './redaction.js';

export type { Logger };

export interface LoggerOptions {
  readonly service: string;
  readonly level?: LevelWithSilent;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

/**
 * The one pino root of a process. Every line carries `service`; lines written inside an
 * active OpenTelemetry span carry its `trace_id` and `span_id`. Per-call loggers are
 * `logger.child({ request_id })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecretKeys(object) as Record<string, unknown>,
      },
      // Errors are serialized (then redacted) by the log formatter above, which runs
      // first; pino's own `err` serializer would turn that result into a bare "Object".
      serializers: { err: (value: unknown) => value },
      mixin: traceFields,
    },
    options.destination,
  );
  return redactingChildBindings(logger);
}

/**
 * A child logger's fields (`logger.child({ ... })`) are on every line it writes, and pino
 * gives a child no bindings formatter unless its creator passes one: this passes ours on
 * every `child` call. Children inherit the method (a pino child's prototype is its parent).
 */
function redactingChildBindings(logger: Logger): Logger {
  const pinoChild = logger.child;
  const redactBindings = (fields: Record<string, unknown>) => redactSecretKeys(fields) as Record<string, unknown>;
  // Defined rather than assigned: pino types `child` generically over custom levels, which
  // this passes through untouched.
  Object.defineProperty(logger, 'child', {
    writable: true,
    configurable: true,
    value: function (this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions): Logger {
      const options: pino.ChildLoggerOptions = { ...childOptions, formatters: { ...childOptions?.formatters, bindings: redactBindings } };
      return Reflect.apply(pinoChild, this, [bindings, options]) as Logger;
    },
  });
  return logger;
}

function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !trace.isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}
