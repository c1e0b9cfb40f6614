/**
 * Every owner-invoice route, for the route table (shared/wiring/routes.ts): each function serves its own
 * module's (owner-invoice-drafts.ts, -reads, -workflow, -documents); the table lists them in the order the
 * API document has always given them, so the document and the types generated from it keep their order.
 */
import type { RouteDefinition } from '../wiring/route-definition';
import { ownerInvoiceDraftRoutes as drafts } from './owner-invoice-drafts';
import { ownerInvoiceReadRoutes as reads } from './owner-invoice-reads';
import { ownerInvoiceWorkflowRoutes as workflow } from './owner-invoice-workflow';
import { ownerInvoiceDocumentRoutes as documents } from './owner-invoice-documents';

function routeOf<R extends readonly RouteDefinition[], Op extends R[number]['operationId']>(routes: R, operationId: Op): Extract<R[number], { operationId: Op }> {
  const route = routes.find((candidate) => candidate.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId} in its function's module`);
  return route as Extract<R[number], { operationId: Op }>;
}

export const ownerInvoiceRoutes = [
  routeOf(drafts, 'createOwnerInvoice'),
  routeOf(reads, 'listOwnerInvoices'),
  routeOf(reads, 'getOwnerInvoice'),
  routeOf(drafts, 'updateOwnerInvoice'),
  routeOf(drafts, 'deleteOwnerInvoice'),
  routeOf(workflow, 'changeOwnerInvoiceStatus'),
  routeOf(drafts, 'prefillOwnerInvoice'),
  routeOf(reads, 'getOwnerInvoiceHistory'),
  routeOf(drafts, 'previewOwnerInvoiceSummary'),
  routeOf(reads, 'exportOwnerInvoiceCsv'),
  routeOf(documents, 'getOwnerInvoicePdf'),
  routeOf(documents, 'emailOwnerInvoice'),
] as const;
