import { getStringFromEnv } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type BatchSpanProcessorOptions,
  type Sampler,
} from '@opentelemetry/sdk-trace';

/**
 * The standard `OTEL_*` variables the platform's tracing honours, read the way the
 * OpenTelemetry SDK specification defines them, except that a value the SDK would log and
 * replace by its default is refused here: a typo in a sampler name must not silently trace
 * every request (or none).
 */

/** OTLP transports, by `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`. */
export const otlpProtocols = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof otlpProtocols)[number];

export function otlpProtocolFromEnv(): OtlpProtocol {
  const given = (getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf').trim();
  const protocol = otlpProtocols.find((name) => name === given);
  if (protocol === undefined) throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${given} is not one of ${otlpProtocols.join(', ')}`);
  return protocol;
}

/** `OTEL_TRACES_SAMPLER` and its argument; unset, parent-based always-on (the SDK's default). */
export function samplerFromEnv(): Sampler {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER')?.trim() ?? 'parentbased_always_on';
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(samplerRatioFromEnv());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplerRatioFromEnv()) });
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER=${name} is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio`,
      );
  }
}

/** `OTEL_TRACES_SAMPLER_ARG`: the ratio, 1 when unset (as the specification says). */
function samplerRatioFromEnv(): number {
  const given = getStringFromEnv('OTEL_TRACES_SAMPLER_ARG');
  if (given === undefined) return 1;
  const ratio = Number(given);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new Error(`OTEL_TRACES_SAMPLER_ARG=${given} is not a ratio between 0 and 1`);
  return ratio;
}

/** `OTEL_BSP_*`: how spans are batched before export; unset ones keep the SDK's defaults. */
type BatchSizes = Pick<BatchSpanProcessorOptions, 'maxQueueSize' | 'scheduledDelayMillis' | 'exportTimeoutMillis' | 'maxExportBatchSize'>;

export function batchOptionsFromEnv(): BatchSizes {
  const options: { -readonly [K in keyof BatchSizes]?: number } = {};
  const read = (name: string, option: keyof BatchSizes): void => {
    const given = getStringFromEnv(name);
    if (given === undefined) return;
    const value = Number(given);
    if (!(value > 0)) throw new Error(`${name}=${given} must be a number greater than 0`);
    options[option] = value;
  };
  read('OTEL_BSP_MAX_QUEUE_SIZE', 'maxQueueSize');
  read('OTEL_BSP_SCHEDULE_DELAY', 'scheduledDelayMillis');
  read('OTEL_BSP_EXPORT_TIMEOUT', 'exportTimeoutMillis');
  read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize');
  return options;
}
