import { httpHandler } from '../../shared/http/handler';
import { openApiDocument } from '../../shared/http/openapi';

export const handler = httpHandler('getOpenApi', async () => ({
  text: JSON.stringify(openApiDocument()),
  contentType: 'application/json; charset=utf-8',
  headers: { 'cache-control': 'public, max-age=300' },
}));
