import { httpRouter } from '../../shared/http/handler';
import { buildDocsSite, docsContentSecurityPolicy, type DocsSite } from '../../shared/http/docs-page';
import { problems } from '../../shared/http/problem';
import { systemRoutes } from '../../shared/api/system';

/** Built on the first request (read, hash and gzip the files), then kept for the container's life. */
let site: DocsSite | undefined;
const docsSite = () => (site ??= buildDocsSite('Progress Claims API'));

const securityHeaders = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export const handler = httpRouter(systemRoutes, {
  getDocs: async () => ({
    text: docsSite().page,
    contentType: 'text/html; charset=utf-8',
    // The page names the current hashed files, so it is revalidated; the files themselves are immutable.
    headers: { 'cache-control': 'no-cache', 'content-security-policy': docsContentSecurityPolicy, ...securityHeaders },
  }),
  getDocsAsset: async ({ path, headers }) => {
    const asset = docsSite().assets.get(path.asset);
    if (!asset) throw problems.notFound(`No docs file ${path.asset}; /docs links the current ones.`);
    const gzipped = /\bgzip\b/i.test(headers['accept-encoding'] ?? '') ? asset.gzipped : undefined;
    return {
      binary: gzipped ?? asset.bytes,
      contentType: asset.contentType,
      headers: {
        'cache-control': 'public, max-age=31536000, immutable',
        vary: 'accept-encoding',
        ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
        ...securityHeaders,
      },
    };
  },
});
