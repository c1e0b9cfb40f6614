import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi';
import { renderDocsPage } from '../../shared/http/docs-page';
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

  it('renders a docs page listing every operation, with text escaped', () => {
    const html = renderDocsPage(document as never);
    for (const route of routes) expect(html).toContain(`id="${route.operationId}"`);
    expect(html).toContain('href="/openapi.json"');
    expect(html).not.toContain('<script');
  });
});
