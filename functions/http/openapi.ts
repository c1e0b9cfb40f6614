import { gzipSync } from 'node:zlib';
import { httpHandler } from '../../shared/http/handler';
import { openApiDocument } from '../../shared/http/openapi';
import { systemRoutes } from '../../shared/api/system';

/** Serialized and compressed once per container: the document is the same for every request. */
let served: { text: string; gzipped: Buffer } | undefined;
const document = () => {
  if (served) return served;
  const text = JSON.stringify(openApiDocument());
  return (served = { text, gzipped: gzipSync(text, { level: 9 }) });
};

const contentType = 'application/json; charset=utf-8';

export const handler = httpHandler(systemRoutes, 'getOpenApi', async ({ headers }) => {
  const cache = { 'cache-control': 'public, max-age=300', vary: 'accept-encoding' };
  if (/\bgzip\b/i.test(headers['accept-encoding'] ?? '')) {
    return { binary: document().gzipped, contentType, headers: { ...cache, 'content-encoding': 'gzip' } };
  }
  return { text: document().text, contentType, headers: cache };
});
