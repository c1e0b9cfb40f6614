import { httpHandler } from '../../shared/http/handler';
import { openApiDocument } from '../../shared/http/openapi';
import { renderDocsPage } from '../../shared/http/docs-page';

export const handler = httpHandler('getDocs', async () => ({
  text: renderDocsPage(openApiDocument() as Parameters<typeof renderDocsPage>[0]),
  contentType: 'text/html; charset=utf-8',
  headers: { 'cache-control': 'public, max-age=300' },
}));
