import { randomBytes } from 'node:crypto';
import { ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tracingConfigured } from '../../src/tracing/tracing-config.js';
import { batchOptionsFromEnv, otlpProtocolFromEnv, samplerFromEnv } from '../../src/tracing/tracing-environment.js';

afterEach(() => vi.unstubAllEnvs());

/** How many of `count` fresh root traces the sampler keeps. */
function sampledOf(count: number): number {
  const sampler = samplerFromEnv();
  let kept = 0;
  for (let made = 0; made < count; made++) {
    const traceId = randomBytes(16).toString('hex');
    if (sampler.shouldSample(ROOT_CONTEXT, traceId, 'span', SpanKind.SERVER, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED) kept++;
  }
  return kept;
}

describe('the OTEL_* variables tracing reads', () => {
  it('samples parent-based, always on, when no sampler is named', () => {
    expect(samplerFromEnv()).toBeInstanceOf(ParentBasedSampler);
    expect(sampledOf(100)).toBe(100);
  });

  it('keeps about the ratio asked for with parentbased_traceidratio', () => {
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'parentbased_traceidratio');
    vi.stubEnv('OTEL_TRACES_SAMPLER_ARG', '0.1');
    const kept = sampledOf(10_000);
    expect(kept).toBeGreaterThan(700);
    expect(kept).toBeLessThan(1_300);
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'traceidratio');
    expect(samplerFromEnv()).toBeInstanceOf(TraceIdRatioBasedSampler);
  });

  it('refuses a sampler name, ratio, protocol or batch setting it does not understand instead of falling back to a default', () => {
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'parentbased_tracidratio');
    expect(() => samplerFromEnv()).toThrow(/OTEL_TRACES_SAMPLER=parentbased_tracidratio is not one of/);
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'traceidratio');
    for (const ratio of ['10%', '1.5', '-0.1']) {
      vi.stubEnv('OTEL_TRACES_SAMPLER_ARG', ratio);
      expect(() => samplerFromEnv()).toThrow(/OTEL_TRACES_SAMPLER_ARG=.* is not a ratio between 0 and 1/);
    }
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/proto');
    expect(() => otlpProtocolFromEnv()).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL=http\/proto is not one of http\/protobuf, http\/json, grpc/);
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', 'soon');
    expect(() => batchOptionsFromEnv()).toThrow(/OTEL_BSP_SCHEDULE_DELAY=soon must be a number greater than 0/);
    expect(() => tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER=zipkin is not supported/,
    );
  });

  it('reads the protocol (traces-specific first) and batch settings it is given', () => {
    expect(otlpProtocolFromEnv()).toBe('http/protobuf');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc');
    expect(otlpProtocolFromEnv()).toBe('grpc');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/json');
    expect(otlpProtocolFromEnv()).toBe('http/json');
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '50');
    vi.stubEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '128');
    expect(batchOptionsFromEnv()).toEqual({ scheduledDelayMillis: 50, maxExportBatchSize: 128 });
  });

  it('exports only with an endpoint, and not when tracing or the SDK is turned off', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured(endpoint)).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingConfigured({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });
});
