/** The system routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { systemRoutes } from './system';

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

export const systemDocs = {
  getHealth: {
    summary: 'Liveness check',
    tags: ['system'],
    response: { description: 'The service is up', schema: healthResponse },
  },
  getReady: {
    summary: 'Readiness check: the service reaches its database (503 problem+json with Retry-After when not)',
    tags: ['system'],
    response: { description: 'The service can serve requests', schema: readyResponse },
  },
  getOpenApi: {
    summary: 'This API’s OpenAPI 3.1 document',
    tags: ['system'],
    response: { description: 'OpenAPI document' },
  },
  getDocs: {
    summary: 'API reference page',
    tags: ['system'],
    response: { description: 'HTML page' },
  },
  getDocsAsset: {
    summary: 'A script, stylesheet or icon of the API reference page (content-hashed name, cached for a year)',
    tags: ['system'],
    response: { description: 'The file, gzip-encoded when the client accepts it' },
  },
} satisfies Record<OperationIdOf<typeof systemRoutes>, RouteDocs>;
