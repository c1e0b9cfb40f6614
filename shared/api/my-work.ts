import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { maxTaskPage, taskKinds } from '../domain/tasks';
import { pageQuery } from '../http/cursor';
import { commaListOf } from './common';

export const listMyTasksQuery = z.object({
  kind: z.optional(commaListOf(taskKinds, 'Only tasks of these kinds')),
  cursor: pageQuery.cursor,
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(maxTaskPage)), maxTaskPage),
});

export const myWorkRoutes = [
  {
    operationId: 'listMyTasks',
    method: 'GET',
    path: '/v1/me/tasks',
    function: 'myWork',
    auth: 'jwt',
    action: null,
    request: { query: listMyTasksQuery },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
