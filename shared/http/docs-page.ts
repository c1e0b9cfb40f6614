import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The API reference page at /docs: Swagger UI, self-hosted from the swagger-ui-dist package (no
 * CDN), over /openapi.json. Swagger UI because it is the one of the three with search, examples
 * and try-it with a bearer token all built in at a page weight of ~0.5 MB gzipped; Redoc has no
 * try-it, Scalar's standalone bundle is several times larger.
 *
 * Every file the page loads is served by the docs function under a content-hashed name, so it
 * can be cached for a year; the page itself is small and revalidated.
 */

/** The Swagger UI files the page uses; in AWS they are copied beside the docs function's bundle. */
export const swaggerUiFiles = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png'] as const;
/** The folder beside the bundled docs function that holds `swaggerUiFiles` (infra/aws copies them). */
export const docsAssetsFolder = 'docs-assets';

/**
 * Same-origin only: no inline script, no third-party hosts. Swagger UI sets a few inline style
 * attributes and draws icons from data: URLs, hence those two allowances.
 */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Swagger UI's own settings. The search box filters operations by path, method, summary,
 * operationId or tag (Swagger UI alone matches tag names only); the bearer token entered under
 * "Authorize" is kept in localStorage across reloads; the validator badge (a call to a third
 * party) is off.
 */
const initScript = `(function () {
  'use strict';
  function operationSearch() {
    return { fn: { opsFilter: function (taggedOps, phrase) {
      var needle = String(phrase || '').trim().toLowerCase();
      if (!needle) return taggedOps;
      return taggedOps
        .map(function (tagObj, tag) {
          return tagObj.set('operations', tagObj.get('operations').filter(function (op) {
            var text = [tag, op.get('method'), op.get('path'),
              op.getIn(['operation', 'summary']), op.getIn(['operation', 'operationId'])].join(' ');
            return text.toLowerCase().indexOf(needle) !== -1;
          }));
        })
        .filter(function (tagObj) { return tagObj.get('operations').size > 0; });
    } } };
  }
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [operationSearch],
    deepLinking: true,
    filter: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayOperationId: true,
    displayRequestDuration: true,
    requestSnippetsEnabled: true,
    defaultModelsExpandDepth: 0,
    docExpansion: 'list',
    validatorUrl: null
  });
})();
`;

export interface DocsAsset {
  contentType: string;
  bytes: Buffer;
  /** Text files only: a PNG is already compressed. */
  gzipped?: Buffer;
}

export interface DocsSite {
  /** The HTML page served at /docs. */
  page: string;
  /** The page's files by their hashed name, served at /docs/{name}. */
  assets: Map<string, DocsAsset>;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

/** Beside the bundle in Lambda (infra/aws copies the files); from node_modules everywhere else. */
function swaggerUiDirectory(): string {
  const beside = fileURLToPath(new URL(`${docsAssetsFolder}/`, import.meta.url));
  if (fs.existsSync(path.join(beside, swaggerUiFiles[0]))) return beside;
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

function hashedAsset(fileName: string, bytes: Buffer): { name: string; asset: DocsAsset } {
  const extension = path.extname(fileName);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const name = `${path.basename(fileName, extension)}.${hash}${extension}`;
  const contentType = contentTypes[extension] ?? 'application/octet-stream';
  const asset = { contentType, bytes, ...(contentType.startsWith('text/') ? { gzipped: gzipSync(bytes, { level: 9 }) } : {}) };
  return { name, asset };
}

export function buildDocsSite(title: string, directory = swaggerUiDirectory()): DocsSite {
  const files = [
    ...swaggerUiFiles.map((file) => [file, fs.readFileSync(path.join(directory, file))] as const),
    ['docs-init.js', Buffer.from(initScript)] as const,
  ];
  const hashed = files.map(([file, bytes]) => ({ file, ...hashedAsset(file, bytes) }));
  const assets = new Map(hashed.map(({ name, asset }) => [name, asset]));
  const url = (file: string) => `docs/${hashed.find((entry) => entry.file === file)!.name}`;
  // Relative URLs: the page works at /docs whatever prefix (stage, custom domain path) is in front.
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — reference</title>
<link rel="icon" type="image/png" href="${url('favicon-32x32.png')}">
<link rel="stylesheet" href="${url('swagger-ui.css')}">
</head><body>
<div id="swagger-ui"><noscript><p>This reference needs JavaScript; the contract itself is <a href="openapi.json">openapi.json</a>.</p></noscript></div>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script src="${url('docs-init.js')}"></script>
</body></html>
`;
  return { page, assets };
}

function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
