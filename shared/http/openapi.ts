import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { z } from 'zod';
import { problemSchema } from '../api/common';
import { routes, type RouteDefinition } from '../wiring/routes';
import { maxBodyBytes } from './handler';

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** The failures every route can answer, by what the route declares. */
function errorResponses(route: RouteDefinition) {
  const problem = (description: string) => ({ description, content: problemContent });
  return {
    ...(route.request ? { '400': problem('Invalid input; `errors` names each bad field') } : {}),
    ...(route.auth === 'jwt'
      ? {
          '401': problem('Missing, expired or invalid bearer token'),
          '403': problem('Visible, but the caller lacks the level, designation or permission named in `detail`'),
          '404': problem('No such resource, or not visible to the caller'),
        }
      : {}),
    ...(route.request?.body
      ? {
          '413': problem(`Body larger than ${maxBodyBytes} bytes`),
          '415': problem('Body is not application/json'),
        }
      : {}),
    ...(route.method === 'POST' && route.auth === 'jwt'
      ? {
          '409': problem('A conflict with the current state, or (`idempotency-in-progress`, with Retry-After) a request with this Idempotency-Key still running'),
          '422': problem('`idempotency-key-reused`: this Idempotency-Key was used with another body'),
        }
      : {}),
    '500': problem('Unexpected error (logged with the correlation id)'),
    '503': problem('A dependency (the database) is unreachable or throttling; retry after Retry-After'),
  };
}

function operation(route: RouteDefinition): ZodOpenApiOperationObject {
  const { response } = route;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [...route.tags],
    ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(route.request?.path || route.request?.query
      ? {
          requestParams: {
            ...(route.request.path ? { path: route.request.path as z.ZodObject } : {}),
            ...(route.request.query ? { query: route.request.query as z.ZodObject } : {}),
          },
        }
      : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.request.body } } } }
      : {}),
    responses: {
      [String(response.status)]: {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: response.schema } } }
          : response.contentType
            ? { content: { [response.contentType]: {} } }
            : {}),
      },
      ...errorResponses(route),
    },
  };
}

let document: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document, generated once per process from the route table's zod schemas. */
export function openApiDocument() {
  if (document) return document;
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Progress Claims API',
      version: '1.0.0',
      description:
        'Subcontractor invoicing for general contractors: billing periods, invites to bill, invoices (G702/G703), ' +
        'attachments and invoice backups. Errors are RFC 9457 problem+json; money is integer cents.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID token (locally: `npm run token -- <email>`)' },
      },
    },
    paths,
  });
  return document;
}
