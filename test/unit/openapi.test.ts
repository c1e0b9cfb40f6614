import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi';
import { buildDocsSite } from '../../shared/http/docs-page';
import { routes } from '../../shared/wiring/routes';

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
