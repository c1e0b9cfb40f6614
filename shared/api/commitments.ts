import type { RouteDefinition } from '../wiring/route-definition';

export const commitmentRoutes = [] as const satisfies readonly RouteDefinition[];
