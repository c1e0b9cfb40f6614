import type { RouteDefinition } from '../wiring/route-definition';

export const projectRoutes = [] as const satisfies readonly RouteDefinition[];
