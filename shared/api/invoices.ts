import type { RouteDefinition } from '../wiring/route-definition';

export const invoiceRoutes = [] as const satisfies readonly RouteDefinition[];
