import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh logger made under the given environment, and the JSON lines it writes to stdout and stderr. */
async function loggerWith(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const lines: { stream: 'stdout' | 'stderr'; entry: Record<string, unknown> }[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[stream], 'write').mockImplementation((chunk) => {
      lines.push({ stream, entry: JSON.parse(String(chunk)) as Record<string, unknown> });
      return true;
    });
  }
  const module = await import('../../shared/logger');
  return { ...module, lines };
}

const lambdaContext = { functionName: 'invoices', invokedFunctionArn: 'arn:aws:lambda:ap-southeast-2:1:function:invoices', memoryLimitInMB: '256', awsRequestId: 'req-1' } as Context;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('logger', () => {
  it('writes one JSON line per entry with level, message, timestamp, service and the entry fields; warnings and errors to stderr', async () => {
    const { logger, lines } = await loggerWith({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: 'claims', _X_AMZN_TRACE_ID: 'Root=1-abc;Parent=2;Sampled=1' });
    logger.info('email sent', { emailId: 'e1', to: 2, big: 10n, none: undefined });
    logger.warn('send failed', { error: new TypeError('refused', { cause: new Error('throttled') }) });
    logger.debug('not shown');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      stream: 'stdout',
      entry: { level: 'INFO', message: 'email sent', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), service: 'claims', xray_trace_id: '1-abc', emailId: 'e1', to: 2, big: '10' },
    });
    expect(lines[1]!.stream).toBe('stderr');
    expect(lines[1]!.entry.error).toEqual({
      name: 'TypeError',
      location: expect.any(String),
      message: 'refused',
      stack: expect.stringContaining('TypeError: refused'),
      cause: { name: 'Error', location: expect.any(String), message: 'throttled', stack: expect.stringContaining('Error: throttled') },
    });
  });

  it('takes the level from Lambda log controls first, then POWERTOOLS_LOG_LEVEL or LOG_LEVEL', async () => {
    const alc = await loggerWith({ AWS_LAMBDA_LOG_LEVEL: 'ERROR', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    alc.logger.warn('dropped');
    alc.logger.error('kept');
    expect(alc.lines.map((line) => line.entry.message)).toEqual(['kept']);
    vi.restoreAllMocks();
    const alias = await loggerWith({ AWS_LAMBDA_LOG_LEVEL: undefined, POWERTOOLS_LOG_LEVEL: undefined, LOG_LEVEL: 'debug' });
    alias.logger.debug('shown');
    expect(alias.lines.map((line) => line.entry.message)).toEqual(['shown']);
    vi.restoreAllMocks();
    const silent = await loggerWith({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
    silent.logger.error('not even errors');
    expect(silent.lines).toEqual([]);
  });

  it('adds the Lambda context and the appended keys and correlation id until the handler ends', async () => {
    const { logger, logContext, lines } = await loggerWith({ POWERTOOLS_LOG_LEVEL: 'INFO', _X_AMZN_TRACE_ID: undefined });
    const middleware = logContext();
    const request = { context: lambdaContext } as Parameters<NonNullable<typeof middleware.before>>[0];
    for (const correlationId of ['c1', 'c2']) {
      await middleware.before!(request);
      logger.setCorrelationId(correlationId);
      logger.appendKeys({ projectId: 'p1' });
      logger.info('request');
      await middleware.after!(request);
    }
    expect(logger.getCorrelationId()).toBeUndefined();
    logger.info('between requests');
    const { timestamp: _, ...first } = lines[0]!.entry;
    expect(first).toEqual({
      level: 'INFO', message: 'request', service: 'progress-claims', cold_start: true, function_arn: lambdaContext.invokedFunctionArn,
      function_memory_size: '256', function_name: 'invoices', function_request_id: 'req-1', correlation_id: 'c1', projectId: 'p1',
    });
    expect(lines[1]!.entry).toMatchObject({ cold_start: false, correlation_id: 'c2' });
    expect(lines[2]!.entry).not.toHaveProperty('correlation_id');
    expect(lines[2]!.entry).not.toHaveProperty('projectId');
  });
});
