import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The structured JSON logger every function uses: one JSON line per entry (level, message, timestamp,
 * service, the Lambda context when a handler gave it, the appended keys and the entry's own fields),
 * in the shape Powertools' Logger wrote, without its 23 KB. Lambda's own JSON log format is no
 * substitute: it nests a logged object under "message" and leaves service and keys to us anyway.
 */
type Fields = Record<string, unknown>;

const thresholds: Record<string, number> = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, FATAL: 24, SILENT: 28 };

/** Lambda's advanced logging controls (AWS_LAMBDA_LOG_LEVEL) win; then POWERTOOLS_LOG_LEVEL or LOG_LEVEL; INFO by default. */
function thresholdFromEnv(): number {
  const env = process.env;
  const level = [env.AWS_LAMBDA_LOG_LEVEL, env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL].find((value) => value && value.toUpperCase() in thresholds);
  return thresholds[level?.toUpperCase() ?? 'INFO']!;
}

/** An Error as Powertools logged it: name, where it was thrown, message, stack, cause and own fields. */
function errorFields(error: Error): Fields {
  const { name, message, stack, cause, ...own } = error as Error & Fields;
  const location = /\(([^()\n]*?):(\d+?):(\d+?)\)\\?$/m.exec(stack ?? '');
  return { name, location: location ? `${location[1]}:${Number(location[2])}` : undefined, message, stack, cause: cause instanceof Error ? errorFields(cause) : cause, ...own };
}

/** JSON.stringify replacer: errors as fields, bigints as strings, circular references left out. */
function replacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key, value) {
    const replaced = value instanceof Error ? errorFields(value) : value;
    if (typeof replaced === 'bigint') return replaced.toString();
    if (typeof replaced === 'object' && replaced !== null) {
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(replaced)) return undefined;
      ancestors.push(replaced);
    }
    return replaced;
  };
}

function createLogger(service: string) {
  const threshold = thresholdFromEnv();
  let keys: Fields = {};
  let context: Fields = {};
  let coldStart = true;

  const write = (level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Fields) => {
    if (thresholds[level]! < threshold) return;
    const line: Fields = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service,
      ...context,
      xray_trace_id: /(?:^|;)Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1],
      ...keys,
      ...fields,
    };
    for (const key of Object.keys(line)) if (line[key] === undefined || line[key] === null || line[key] === '') delete line[key];
    // Written to the streams, not through console: Lambda's console would prefix each line and break the JSON.
    (level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout).write(`${JSON.stringify(line, replacer())}\n`);
  };

  return {
    debug: (message: string, fields?: Fields) => write('DEBUG', message, fields),
    info: (message: string, fields?: Fields) => write('INFO', message, fields),
    warn: (message: string, fields?: Fields) => write('WARN', message, fields),
    error: (message: string, fields?: Fields) => write('ERROR', message, fields),
    /** Keys added to every later entry until resetKeys (an HTTP handler resets them after each request). */
    appendKeys: (added: Fields) => void Object.assign(keys, added),
    setCorrelationId: (correlationId: string | undefined) => void (keys.correlation_id = correlationId),
    getCorrelationId: () => keys.correlation_id as string | undefined,
    /** The invocation's Lambda context on every later entry; cold_start is true for the first invocation only. */
    addContext: (lambda: Context) => {
      context = {
        cold_start: coldStart,
        function_arn: lambda.invokedFunctionArn,
        function_memory_size: lambda.memoryLimitInMB,
        function_name: lambda.functionName,
        function_request_id: lambda.awsRequestId,
      };
      coldStart = false;
    },
    resetKeys: () => void (keys = {}),
  };
}

export const logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'progress-claims');

/** Middy middleware for a handler: the invocation's Lambda context on its entries, its appended keys dropped when it ends. */
export function logContext(): MiddlewareObj {
  return {
    before: (request) => logger.addContext(request.context),
    after: () => logger.resetKeys(),
    onError: () => logger.resetKeys(),
  };
}
