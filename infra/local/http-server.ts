import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProblem, problems } from '../../shared/http/problem';
import { routes } from '../../shared/wiring/routes';
import { TokenError, type LocalIdp } from './auth';
import { frontendPage } from './frontend-pages';
import { invokeLocal } from './lambda';
import { PortInUseError } from './ports';
import { cors } from '../../shared/wiring/cors';
import { buildApiGatewayEvent, localAllowOrigin, payloadLimitBytes, routeMatcher, toHttpResponse, type HttpResponse } from './api-gateway-event';

/**
 * The local API Gateway: a Node HTTP server over the same route table as the cloud, which
 * builds the same v2 event, runs the same JWT checks and calls the same handler.
 */
export interface LocalHttpServerOptions {
  port: number;
  host: string;
  idp: LocalIdp;
  log: (line: string) => void;
  /** Requests wait for this before they are handled: the server binds its port first, then the rest starts. */
  ready?: Promise<unknown>;
}

export interface LocalHttpServer {
  url: string;
  stop(): Promise<void>;
}

export const jwksPath = '/.well-known/jwks.json';

const matchRoute = routeMatcher(routes);

/** Bigger than API Gateway's limits below, so Node's parser lets the request reach `handle`, which answers as problem+json. */
const nodeMaxHeaderBytes = 64 * 1024;
/** API Gateway's quota on the request line (and its URL). */
export const maxUrlBytes = 8 * 1024;
/** API Gateway's quota on the request line and header values together. */
export const maxHeaderBytes = 10 * 1024;

export async function startHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const server = http.createServer({ maxHeaderSize: nodeMaxHeaderBytes }, (req, res) => {
    const started = performance.now();
    const requestId = randomBytes(10).toString('base64');
    res.setHeader('apigw-requestid', requestId);
    res.setHeader('x-request-id', requestId);
    res.once('finish', () =>
      options.log(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms`),
    );
    handle(req, res, requestId, options).catch((error: unknown) => {
      options.log(`${req.method} ${req.url} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) sendProblem(res, problems.internal());
      else res.destroy();
    });
  });

  // Requests Node's parser refuses (beyond nodeMaxHeaderBytes, malformed) still get problem+json, not a bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const problem =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? headersTooLarge()
        : new HttpProblem(400, 'bad-request', 'Bad request', 'The request is not valid HTTP/1.1.');
    const body = JSON.stringify(problem.toJSON());
    socket.end(
      `HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}\r\ncontent-type: application/problem+json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port, 'API') : error),
    );
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '127.0.0.1' || options.host === '::1' ? 'localhost' : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, options: LocalHttpServerOptions) {
  try {
    await options.ready;
  } catch {
    const detail = 'The local stack failed to start; its terminal says why.';
    return sendProblem(res, new HttpProblem(503, 'unavailable', 'Service unavailable', detail));
  }
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const rawPath = url.split('?')[0]!;

  if (Buffer.byteLength(url) > maxUrlBytes) {
    return sendProblem(res, new HttpProblem(414, 'uri-too-long', 'URI too long', `The request URL exceeds ${maxUrlBytes} bytes.`));
  }
  const headerBytes = req.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  if (headerBytes + Buffer.byteLength(url) > maxHeaderBytes) return sendProblem(res, headersTooLarge());
  if (method === 'OPTIONS') return sendPreflight(res);
  if (Number(req.headers['content-length'] ?? 0) > payloadLimitBytes) return sendTooLarge(res);
  if (method === 'GET' && rawPath === jwksPath) return send(res, json(200, options.idp.jwks));
  const page = frontendPage(method, rawPath);
  if (page) return send(res, { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, cookies: [], body: Buffer.from(page) });

  const match = matchRoute(method, rawPath);
  if (match.kind === 'not-found') return sendProblem(res, problems.notFound(`No route matches ${method} ${rawPath}.`));
  if (match.kind === 'method-not-allowed') {
    const allow = match.allow.join(', ');
    const detail = `${rawPath} does not accept ${method}; it accepts ${allow}.`;
    return sendProblem(res, new HttpProblem(405, 'method-not-allowed', 'Method not allowed', detail, undefined, { allow }));
  }

  const body = await readBody(req);
  if (body === 'too-large') return sendTooLarge(res);

  let claims: Record<string, string> | undefined;
  if (match.route.auth === 'jwt') {
    const token = bearerToken(req.headers.authorization);
    try {
      if (!token) throw new TokenError('No bearer token');
      claims = await options.idp.verifyToken(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      const challenge = token ? `Bearer error="invalid_token", error_description="${error.message}"` : 'Bearer';
      return sendProblem(res, new HttpProblem(401, 'unauthorized', 'Unauthorized', error.message, undefined, { 'www-authenticate': challenge }));
    }
  }

  const event = buildApiGatewayEvent(
    {
      method,
      url,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      now: new Date(),
    },
    match.route,
    match.pathParameters,
    claims,
  );
  send(res, toHttpResponse(await invokeLocal(match.route.function, event)));
}

/** The body, or 'too-large' as soon as it passes the cap: the rest is never buffered. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > payloadLimitBytes) {
        req.removeAllListeners('data');
        req.pause();
        resolve('too-large');
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** API Gateway takes the token with or without the `Bearer ` prefix. */
function bearerToken(authorization: string | undefined): string | undefined {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  return token || undefined;
}

function sendPreflight(res: ServerResponse) {
  res.writeHead(204, {
    'access-control-allow-origin': localAllowOrigin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
    'access-control-expose-headers': cors.exposeHeaders.join(','),
    'access-control-max-age': String(cors.maxAgeSeconds),
  });
  res.end();
}

const headersTooLarge = () =>
  new HttpProblem(431, 'headers-too-large', 'Request header fields too large', `The request line and headers exceed ${maxHeaderBytes} bytes.`);

function sendTooLarge(res: ServerResponse) {
  // Close the connection rather than read (and discard) the rest of an oversized upload.
  res.setHeader('connection', 'close');
  sendProblem(res, problems.payloadTooLarge(payloadLimitBytes));
}

function sendProblem(res: ServerResponse, problem: HttpProblem) {
  const body = json(problem.status, problem.toJSON());
  send(res, { ...body, headers: { ...problem.headers, 'content-type': 'application/problem+json' } });
}

function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(JSON.stringify(body)) };
}

function send(res: ServerResponse, response: HttpResponse) {
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  // API Gateway puts its own CORS headers on every cross-origin response, over the handler's.
  if (res.req.headers.origin) {
    res.setHeader('access-control-allow-origin', localAllowOrigin);
    res.setHeader('access-control-expose-headers', cors.exposeHeaders.join(','));
  }
  if (response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
  res.setHeader('content-length', response.body.length);
  res.statusCode = response.statusCode;
  res.end(response.body);
}
