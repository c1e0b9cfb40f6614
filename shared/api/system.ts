import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';

export const systemRoutes = [

  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    function: 'health',
    auth: 'none',
    action: null,
    response: { status: 200 },
  },
  {
    operationId: 'getReady',
    method: 'GET',
    path: '/ready',
    function: 'ready',
    auth: 'none',
    action: null,
    response: { status: 200 },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    function: 'openApi',
    auth: 'none',
    action: null,
    response: { status: 200, contentType: 'application/json' },
  },
  {
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    function: 'docs',
    auth: 'none',
    action: null,
    response: { status: 200, contentType: 'text/html' },
  },
  {
    operationId: 'getDocsAsset',
    method: 'GET',
    path: '/docs/{asset}',
    function: 'docs',
    auth: 'none',
    action: null,
    request: {
      path: z.object({
        asset: z.withMeta(z.string().check(z.maxLength(100)), {
          description: 'Content-hashed file name linked from /docs',
          example: 'swagger-ui.3f2a9c1b0d.css',
        }),
      }),
    },
    response: { status: 200, contentType: 'application/octet-stream' },
  },
] as const satisfies readonly RouteDefinition[];
