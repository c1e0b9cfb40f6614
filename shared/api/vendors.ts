import type { RouteDefinition } from '../wiring/route-definition';

export const vendorRoutes = [] as const satisfies readonly RouteDefinition[];
