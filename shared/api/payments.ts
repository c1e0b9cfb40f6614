import type { RouteDefinition } from '../wiring/route-definition';

export const paymentRoutes = [] as const satisfies readonly RouteDefinition[];
