import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';

export const healthResponse = z.withMeta(
  z.object({
    status: z.literal('ok'),
    service: z.string(),
    version: z.string(),
    time: z.iso.datetime(),
  }),
  { id: 'Health' },
);

export const readyResponse = z.withMeta(z.object({ status: z.literal('ready'), service: z.string(), time: z.iso.datetime() }), { id: 'Ready' });

export const systemRoutes = [

  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    function: 'health',
    auth: 'none',
    action: null,
    summary: 'Liveness check',
    tags: ['system'],
    response: { status: 200, description: 'The service is up', schema: healthResponse },
  },
  {
    operationId: 'getReady',
    method: 'GET',
    path: '/ready',
    function: 'ready',
    auth: 'none',
    action: null,
    summary: 'Readiness check: the service reaches its database (503 problem+json with Retry-After when not)',
    tags: ['system'],
    response: { status: 200, description: 'The service can serve requests', schema: readyResponse },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    function: 'openApi',
    auth: 'none',
    action: null,
    summary: 'This API’s OpenAPI 3.1 document',
    tags: ['system'],
    response: { status: 200, description: 'OpenAPI document', contentType: 'application/json' },
  },
  {
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    function: 'docs',
    auth: 'none',
    action: null,
    summary: 'API reference page',
    tags: ['system'],
    response: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  {
    operationId: 'getDocsAsset',
    method: 'GET',
    path: '/docs/{asset}',
    function: 'docs',
    auth: 'none',
    action: null,
    summary: 'A script, stylesheet or icon of the API reference page (content-hashed name, cached for a year)',
    tags: ['system'],
    request: {
      path: z.object({
        asset: z.withMeta(z.string().check(z.maxLength(100)), {
          description: 'Content-hashed file name linked from /docs',
          example: 'swagger-ui.3f2a9c1b0d.css',
        }),
      }),
    },
    response: { status: 200, description: 'The file, gzip-encoded when the client accepts it', contentType: 'application/octet-stream' },
  },
] as const satisfies readonly RouteDefinition[];
