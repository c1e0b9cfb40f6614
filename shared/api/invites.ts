import type { RouteDefinition } from '../wiring/route-definition';

export const inviteRoutes = [] as const satisfies readonly RouteDefinition[];
