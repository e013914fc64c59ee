import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactedPaths, redactionCensor, redactSecretKeys } from './redaction.js';

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
  return pino(
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
      redact: { paths: [...redactedPaths], censor: redactionCensor },
      mixin: traceFields,
    },
    options.destination,
  );
}

function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !trace.isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}
