import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import { routes } from '../../shared/wiring/routes';
import { freePort } from '../../infra/local/ports';
import { localAudience, localIssuer, localUserId } from '../../infra/local/auth';
import type { LocalRuntime, LocalRuntimeOptions } from '../../infra/local/runtime';
import { expectFetchedProblem } from '../support/api-client';

/**
 * The whole local stack as `npm start` runs it (DynamoDB Local on disk, the event bus, Step
 * Functions, the API), exercised over real HTTP.
 */

/**
 * Each start loads the runtime into a fresh module graph, as a new process would: the product's
 * SDK clients keep the endpoints they first used, and a restart brings new ports.
 */
async function fresh() {
  vi.resetModules();
  return {
    ...(await import('../../infra/local/runtime')),
    PortInUseError: (await import('../../infra/local/ports')).PortInUseError,
  };
}

const priya = { sub: localUserId('priya@northbeam.example'), email: 'priya@northbeam.example', name: 'Priya Patel' };
const problemJson = 'application/problem+json';

let dataDir: string;
let options: LocalRuntimeOptions;
let runtime: LocalRuntime | undefined;
let token: string;
const log: string[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-stack-'));
  options = { port: await freePort(), dataDir, seed: true, schedules: false, log: (line) => log.push(line) };
  runtime = await (await fresh()).startLocalRuntime(options);
  token = await runtime.idp.signToken(priya);
});

afterAll(async () => {
  await runtime?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const api = (pathname: string, init: RequestInit = {}) => fetch(`${runtime!.apiUrl}${pathname}`, init);
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

describe('local stack over HTTP', () => {
  it('answers GET /health with JSON, a request id, and logs one line for it', async () => {
    const response = await api('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
    expect(await response.json()).toMatchObject({ status: 'ok' });
    expect(log).toContainEqual(expect.stringMatching(/^GET \/health 200 \d+ms$/));
  });

  it('refuses GET /v1/me without a token: 401 problem+json with a Bearer challenge', async () => {
    const response = await api('/v1/me');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await expectFetchedProblem(response, 401, 'unauthorized')).toMatchObject({ detail: 'No bearer token' });
  });

  it('answers GET /v1/me for a seeded user with their project and levels', async () => {
    const response = await api('/v1/me', { headers: bearer(token) });
    expect(response.status).toBe(200);
    const me = (await response.json()) as { userId: string; company: { name: string }; projects: Array<Record<string, unknown>> };
    expect(me).toMatchObject({ userId: priya.sub, email: priya.email, name: priya.name, company: { name: 'Northbeam Constructions' } });
    expect(me.projects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Harbour Tower', number: 'HT-2027', timeZone: 'Australia/Sydney', region: 'en-AU', levels: { commitments: 'admin', headContracts: 'admin' } }),
        expect.objectContaining({ name: 'Riverside Apartments', number: 'RA-2028' }),
      ]),
    );

    const ella = { sub: localUserId('ella@harbour-electrical.example'), email: 'ella@harbour-electrical.example', name: 'Ella Ward' };
    const vendor = await api('/v1/me', { headers: bearer(await runtime!.idp.signToken(ella)) });
    expect(await vendor.json()).toMatchObject({
      company: { name: 'Harbour Electrical Pty Ltd', kind: 'vendor' },
      projects: expect.arrayContaining([expect.objectContaining({ name: 'Harbour Tower', levels: { commitments: 'read_only', headContracts: 'none' } })]),
    });
  });

  it('refuses tokens the authorizer would refuse: another key, expired', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const foreign = await new SignJWT({ email: priya.email })
      .setProtectedHeader({ alg: 'RS256', kid: runtime!.idp.jwks.keys[0]!.kid! })
      .setIssuer(localIssuer)
      .setAudience(localAudience)
      .setSubject(priya.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    const forged = await api('/v1/me', { headers: bearer(foreign) });
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(await expectFetchedProblem(forged, 401, 'unauthorized')).toMatchObject({ detail: 'Token signature invalid' });

    const expired = await api('/v1/me', { headers: bearer(await runtime!.idp.signToken(priya, '-1m')) });
    expect(await expectFetchedProblem(expired, 401, 'unauthorized')).toMatchObject({ detail: 'Token expired' });
  });

  it('serves the public signing keys at /.well-known/jwks.json', async () => {
    const response = await api('/.well-known/jwks.json');
    expect(await response.json()).toEqual({ keys: [expect.objectContaining({ kty: 'RSA', alg: 'RS256', kid: expect.any(String) })] });
  });

  it('answers an unknown route with 404 and a known path with another method with 405 and Allow', async () => {
    await expectFetchedProblem(await api('/v1/nothing-here'), 404, 'not-found');

    const jwtRoute = routes.find((route) => route.auth === 'jwt')!;
    const allowed: string[] = routes.filter((route) => route.path === jwtRoute.path).map((route) => route.method);
    const other = (['DELETE', 'PUT', 'POST', 'PATCH', 'GET'] as const).find((method) => !allowed.includes(method))!;
    const response = await api(jwtRoute.path, { method: other, headers: bearer(token) });
    expect(response.headers.get('allow')).toBe([...new Set(allowed)].sort().join(', '));
    await expectFetchedProblem(response, 405, 'method-not-allowed');
  });

  it('answers a malformed JSON body with 400 and a body of another content type with 415', async () => {
    const bodyRoute = routes.find((route) => route.operationId === 'updateMe')!;
    const send = (contentType: string, body: string) =>
      api(bodyRoute.path, { method: bodyRoute.method, headers: { ...bearer(token), 'content-type': contentType, 'if-match': '"1"' }, body });
    await expectFetchedProblem(await send('application/json', '{"name": '), 400, 'malformed-json');
    await expectFetchedProblem(await send('text/plain', 'name=Priya'), 415, 'unsupported-media-type');
  });

  it('refuses a body over 10 MiB with 413 before reading it, declared or streamed', async () => {
    const declared = await api('/v1/me', { method: 'PATCH', headers: { ...bearer(token), 'content-type': 'application/json' }, body: Buffer.alloc(11 * 1024 * 1024, 0x20) });
    await expectFetchedProblem(declared, 413, 'payload-too-large');

    // Chunked, with no content-length: the limit bites while the body is being read.
    const streamed = await new Promise<{ status: number; contentType: string | undefined }>((resolve, reject) => {
      const headers = { ...bearer(token), 'content-type': 'application/json', 'if-match': '"1"' };
      const request = http.request(`${runtime!.apiUrl}/v1/me`, { method: 'PATCH', headers }, (response) => {
        resolve({ status: response.statusCode!, contentType: response.headers['content-type'] });
        response.resume();
      });
      request.on('error', reject); // after the answer, a reset of the refused upload changes nothing
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const write = () => {
        while (sent < 11) {
          sent++;
          if (!request.write(chunk)) return void request.once('drain', write);
        }
        request.end();
      };
      write();
    });
    expect(streamed).toEqual({ status: 413, contentType: problemJson });
  });

  it('answers a CORS preflight with 204 and API Gateway’s CORS headers', async () => {
    const response = await api('/v1/me', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,if-match' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type,if-match,idempotency-key,x-correlation-id');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-expose-headers')).toBe('etag,location,x-correlation-id,idempotent-replayed,retry-after');
  });

  it('keeps its data on disk: started again on the same directory without seeding, the same token still finds Harbour Tower', async () => {
    await runtime!.stop();
    runtime = undefined;
    runtime = await (await fresh()).startLocalRuntime({ ...options, seed: false });
    const response = await api('/v1/me', { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ projects: expect.arrayContaining([expect.objectContaining({ name: 'Harbour Tower', levels: expect.objectContaining({ commitments: 'admin' }) })]) });
  });
});

describe('starting on a taken port', () => {
  it('rejects at once with PortInUseError naming the port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    const { startLocalRuntime, PortInUseError } = await fresh();
    const started = Date.now();
    try {
      const error = await startLocalRuntime({ port, schedules: false, seed: false, log: () => undefined }).then(
        (unexpected) => unexpected.stop(),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(String(port));
      expect(Date.now() - started).toBeLessThan(2000); // refused before DynamoDB Local's JVM is started
    } finally {
      holder.close();
    }
  });
});
