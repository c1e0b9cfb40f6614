import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';

export const updateMeBody = z.withMeta(
  z.strictObject({
    name: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), { description: 'Display name used in emails and PDFs' }),
  }),
  { id: 'UpdateMe' },
);

export const meRoutes = [
  {
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    function: 'getMe',
    auth: 'jwt',
    action: null,
    response: { status: 200 },
  },
  {
    operationId: 'updateMe',
    method: 'PATCH',
    path: '/v1/me',
    function: 'updateMe',
    auth: 'jwt',
    action: null,
    request: { body: updateMeBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
