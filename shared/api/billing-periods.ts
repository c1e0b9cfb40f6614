import type { RouteDefinition } from '../wiring/route-definition';

export const billingPeriodRoutes = [] as const satisfies readonly RouteDefinition[];
