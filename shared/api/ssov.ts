import type { RouteDefinition } from '../wiring/route-definition';

export const ssovRoutes = [] as const satisfies readonly RouteDefinition[];
