import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@causeloop/platform/log';

function captureLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });

  it('writes JSON lines with service, request id and message', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'auth', destination: stream });
    logger.child({ request_id: 'req-1' }).info('hello');
    expect(lines()[0]).toMatchObject({ service: 'auth', request_id: 'req-1', message: 'hello', level: 'info' });
  });

  it('adds the active trace id', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'auth', destination: stream });
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info('inside'));
    expect(lines()[0]).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
  });

  it('logs errors with their type, message and stack, secret fields redacted', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'auth', destination: stream });
    const error = Object.assign(new Error('connection refused', { cause: new Error('ECONNREFUSED') }), {
      access_token: 'leak7',
    });
    logger.error({ err: error }, 'call failed');
    const entry = lines()[0]?.['err'] as Record<string, unknown>;
    expect(entry).toMatchObject({ type: 'Error', message: expect.stringContaining('connection refused') });
    expect(String(entry['stack'])).toContain('create-logger.test.ts');
    expect(JSON.stringify(entry)).toContain('ECONNREFUSED');
    expect(JSON.stringify(entry)).not.toContain('leak7');
  });

  it('keeps tokens and secrets out of every line', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'gateway', destination: stream });
    logger.info(
      {
        headers: { authorization: 'Bearer clp_pat_leak1' },
        metadata: { authorization: 'Bearer clp_sa_leak2' },
        body: { refresh_token: 'leak3', password: 'leak4' },
        connector: { config_encrypted: 'leak5', name: 'github' },
        token: 'leak6',
      },
      'request',
    );
    const written = JSON.stringify(lines());
    for (const secret of ['leak1', 'leak2', 'leak3', 'leak4', 'leak5', 'leak6']) expect(written).not.toContain(secret);
    expect(written).toContain('github');
  });

  it('keeps them out however deep they are, and out of a child logger’s fields', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'gateway', destination: stream });
    logger
      .child({ request_id: 'r1', token: 'leak1', call: { metadata: { 'x-causeloop-principal': 'leak2' } } })
      .warn(
        {
          a: { b: { c: { authorization: 'Bearer leak3', cookie: 'session=leak4' } } },
          config: { databaseUrl: 'postgres://app:leak5@db/causeloop', masterKey: 'leak6' },
          attempts: [{ request: { headers: { authorization: 'Bearer leak7' } } }],
          client_secret: 'leak8',
        },
        'deep',
      );
    const written = JSON.stringify(lines());
    for (let leak = 1; leak <= 8; leak++) expect(written).not.toContain(`leak${leak}`);
    expect(lines()[0]).toMatchObject({ request_id: 'r1', token: '[redacted]', message: 'deep' });
  });
});
