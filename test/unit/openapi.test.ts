import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi';
import { buildDocsSite } from '../../shared/http/docs-page';
import { routes } from '../../shared/wiring/routes';
import { docsOf } from '../../shared/wiring/route-docs';

describe('OpenAPI document', () => {
  const document = openApiDocument() as unknown as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 and covers every route of the route table', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes) {
      const op = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      expect(op?.security.length, route.operationId).toBe(route.auth === 'jwt' ? 1 : 0);
      expect(Object.keys(op!.responses)).toContain(String(route.response.status));
    }
  });

  it('documents problem+json errors, and 401 on authenticated routes', () => {
    const me = document.paths['/v1/me']!.get!;
    expect(me.responses['401']).toMatchObject({ content: { 'application/problem+json': {} } });
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(document.components.schemas).toHaveProperty('Me');
  });

  type Parameter = { name: string; in: string; required?: boolean };
  type Operation = {
    operationId: string;
    parameters?: Parameter[];
    requestBody?: { content: Record<string, { example?: unknown }> };
    responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { example?: unknown }>; links?: Record<string, { operationId: string; parameters: Record<string, string> }> }>;
  };
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op: op as unknown as Operation })),
    );
  const header = (op: Operation, name: string) => op.parameters?.find((p) => p.in === 'header' && p.name === name);

  it('declares the headers each operation takes and answers: Idempotency-Key, If-Match, ETag, Location', () => {
    for (const { method, op } of operations()) {
      expect(Boolean(header(op, 'idempotency-key')), op.operationId).toBe(method === 'post');
      const ifMatch = header(op, 'if-match');
      if (ifMatch) {
        expect(Object.keys(op.responses), op.operationId).toContain('412');
        expect(Object.keys(op.responses).includes('428'), op.operationId).toBe(ifMatch.required === true);
        const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))![1];
        expect(success.headers, op.operationId).toHaveProperty('etag');
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (status === '201' || status === '202') expect(response.headers, `${op.operationId} ${status}`).toHaveProperty('location');
      }
    }
    // Every write the handlers guard with If-Match, status changes included.
    for (const operationId of ['updateMe', 'updateCommitment', 'replaceSov', 'updateInvoice', 'changeInvoiceStatus', 'closeBillingPeriod']) {
      expect(header(operations().find((o) => o.op.operationId === operationId)!.op, 'if-match'), operationId).toBeDefined();
    }
    const putMember = operations().find((o) => o.op.operationId === 'putMember')!.op;
    expect(Object.keys(putMember.responses)).toEqual(expect.arrayContaining(['200', '201']));
  });

  it('has an example for every request body and every response with content', () => {
    for (const { op } of operations()) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) expect(media.example, `${op.operationId} ${type}`).toBeDefined();
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type.includes('json')) expect(media.example, `${op.operationId} ${status} ${type}`).toBeDefined();
        }
      }
    }
    const notFound = document.paths['/v1/me']!.get!.responses['404'] as { content: Record<string, { example: { type: string; status: number } }> };
    expect(notFound.content['application/problem+json']!.example).toMatchObject({ type: expect.stringMatching(/\/not-found$/), status: 404 });
  });

  it('links the main flow’s answers to the next calls with every path parameter of the target', () => {
    const byId = new Map(routes.map((route) => [route.operationId as string, route]));
    let links = 0;
    for (const { op } of operations()) {
      for (const response of Object.values(op.responses)) {
        for (const link of Object.values(response.links ?? {})) {
          links++;
          const target = byId.get(link.operationId);
          expect(target, link.operationId).toBeDefined();
          const wanted = [...target!.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
          expect(Object.keys(link.parameters).sort()).toEqual(wanted.sort());
        }
      }
    }
    expect(links).toBeGreaterThanOrEqual(20);
  });

  it('has servers and a description for every tag; nullable fields as type [T, null], no ±2^53 bounds, no regex behind a format', () => {
    const full = document as unknown as { servers: unknown[]; tags: Array<{ name: string; description: string }> };
    expect(full.servers.length).toBeGreaterThan(0);
    expect(new Set(full.tags.map((tag) => tag.name))).toEqual(new Set(routes.flatMap((route) => docsOf(route).tags)));
    for (const tag of full.tags) expect(tag.description.length, tag.name).toBeGreaterThan(10);
    const text = JSON.stringify(document);
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(text).not.toMatch(/"anyOf":\[\{"type":"(string|integer|number|boolean)"[^\]]*\},\{"type":"null"\}\]/);
    expect(text).not.toMatch(/"format":"date-time","pattern"/);
  });

  it('builds a docs page that loads only its own hashed files, no inline script', () => {
    const site = buildDocsSite('A & B <API>');
    expect(site.page).toContain('<title>A &amp; B &lt;API&gt; — reference</title>');
    const linked = [...site.page.matchAll(/(?:src|href)="docs\/([^"]+)"/g)].map((match) => match[1]!);
    expect(new Set(linked)).toEqual(new Set(site.assets.keys()));
    expect(site.page).not.toMatch(/<script>|<style|https?:\/\//);
    for (const [name, asset] of site.assets) {
      expect(name).toMatch(/\.[0-9a-f]{10}\.(js|css|png)$/);
      if (asset.contentType.startsWith('text/')) expect(asset.gzipped!.length).toBeLessThan(asset.bytes.length);
    }
  });
});
