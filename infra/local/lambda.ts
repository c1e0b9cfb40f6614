import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions, type FunctionName } from '../../shared/wiring/functions';

/** The repository root: function entries in `shared/wiring/functions.ts` are relative to it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<FunctionName, Promise<Handler>>();

/**
 * Calls a function's `handler` export the way Lambda would: same module, an event,
 * and a context with a request id and the remaining time of the declared timeout.
 */
export async function invokeLocal(name: FunctionName, event: unknown): Promise<unknown> {
  const definition = functions[name];
  let handler = loaded.get(name);
  if (!handler) {
    handler = import(pathToFileURL(path.join(repoRoot, definition.entry)).href).then((module) => {
      if (typeof module.handler !== 'function') throw new Error(`${definition.entry} does not export a handler`);
      return module.handler as Handler;
    });
    loaded.set(name, handler);
  }
  const timeoutMs = ('timeoutSeconds' in definition ? definition.timeoutSeconds : 10) * 1000;
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: String('memoryMb' in definition ? definition.memoryMb : 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } satisfies Context;
  return (await handler)(event, context);
}
