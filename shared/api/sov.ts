import type { RouteDefinition } from '../wiring/route-definition';

export const sovRoutes = [] as const satisfies readonly RouteDefinition[];
