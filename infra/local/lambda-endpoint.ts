import http from 'node:http';
import { functions, type FunctionName } from '../../shared/wiring/functions';
import { invokeLocal } from './lambda';
import { freePort } from './ports';

/**
 * Lambda's Invoke API (request-response) for the functions one function calls synchronously
 * (the invoice PDF renderer): product code calls it with the real LambdaClient and
 * `AWS_ENDPOINT_URL_LAMBDA` pointed here, and the function runs in this process as Lambda
 * would run it. A handler that throws is answered as Lambda answers: 200 with
 * `X-Amz-Function-Error: Unhandled` and the error as the payload.
 */
export interface LocalLambdaEndpoint {
  /** For AWS_ENDPOINT_URL_LAMBDA. */
  endpoint: string;
  stop(): Promise<void>;
}

const invocationPath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLocalLambdaEndpoint(): Promise<LocalLambdaEndpoint> {
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body ?? null));
    const match = invocationPath.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    // A name or an ARN (…:function:<name>[:qualifier]); locally a function's name is its declared key.
    const name = match ? decodeURIComponent(match[1]!).replace(/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/, '').split(':')[0]! : '';
    if (req.method !== 'POST' || !Object.hasOwn(functions, name)) {
      const message = `Function not found: ${name || req.url}`;
      return reply(404, { Type: 'User', Message: message, message }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    }
    if (req.headers['x-amz-invocation-type'] && req.headers['x-amz-invocation-type'] !== 'RequestResponse') {
      const message = 'This local endpoint serves RequestResponse invocations only';
      return reply(400, { Type: 'User', Message: message, message }, { 'x-amzn-errortype': 'InvalidParameterValueException' });
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const headers = { 'x-amz-executed-version': '$LATEST' };
    try {
      reply(200, await invokeLocal(name as FunctionName, JSON.parse(body || '{}')), headers);
    } catch (error) {
      const { name: errorType, message: errorMessage } = error as Error;
      reply(200, { errorType, errorMessage, trace: [] }, { ...headers, 'x-amz-function-error': 'Unhandled' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
