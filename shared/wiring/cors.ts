/**
 * CORS, declared once: the HTTP API's `corsPreflight` in AWS and the local server's headers.
 * API Gateway answers preflights and sets these on every response, overriding any a handler
 * sets, so handlers set none. Only the allowed origin differs: the frontend's in AWS, `*` locally.
 */
export const cors = {
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-correlation-id'],
  exposeHeaders: ['etag', 'location', 'x-correlation-id', 'idempotent-replayed', 'retry-after'],
  maxAgeSeconds: 3600,
} as const;
