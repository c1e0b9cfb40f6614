import type { RouteDefinition } from '../wiring/route-definition';

export const invoiceFileRoutes = [] as const satisfies readonly RouteDefinition[];
