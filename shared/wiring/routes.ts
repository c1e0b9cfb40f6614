import type { RouteDefinition } from './route-definition';
import { systemRoutes } from '../api/system';
import { meRoutes } from '../api/me';
import { myWorkRoutes } from '../api/my-work';
import { projectRoutes } from '../api/projects';
import { vendorRoutes } from '../api/vendors';
import { commitmentRoutes } from '../api/commitments';
import { headContractSovRoutes, sovRoutes } from '../api/sov';
import { headContractRoutes } from '../api/head-contracts';
import { ownerInvoiceRoutes } from '../api/owner-invoice-routes';
import { ownerPaymentRoutes } from '../api/owner-payments';
import { ssovRoutes } from '../api/ssov';
import { billingPeriodRoutes } from '../api/billing-periods';
import { inviteRoutes } from '../api/invites';
import { invoiceRoutes } from '../api/invoice-requests';
import { invoiceReadRoutes } from '../api/invoice-reads';
import { invoiceWorkflowRoutes } from '../api/invoice-workflow';
import { invoiceFileRoutes } from '../api/invoice-files';
import { paymentRoutes } from '../api/payments';
import { backupRoutes } from '../api/backups';
import { regionalRoutes } from '../api/regional';
import { webhookRoutes } from '../api/webhooks';
import { signatureRoutes } from '../api/signatures';
import { accountingExportRoutes } from '../api/accounting-exports';

export type { HttpMethod, RouteDefinition } from './route-definition';

// Subcontractor invoices are served by three functions (writes, reads, workflow); the table keeps their routes in the
// order the OpenAPI document has always listed them. A route added to either list goes here too (test/unit/wiring.test.ts
// fails while a function serves a route the table lacks).
const [createInvoice, updateInvoice, deleteInvoice] = invoiceRoutes;
const [listInvoices, getInvoice, getInvoiceHistory] = invoiceReadRoutes;

/**
 * The HTTP route table, declared once: each area declares its routes beside its schemas
 * (shared/api/*); this is the whole table that CDK, the local server and OpenAPI read.
 */
export const routes = [
  ...systemRoutes,
  ...meRoutes,
  ...myWorkRoutes,
  ...projectRoutes,
  ...vendorRoutes,
  ...commitmentRoutes,
  ...sovRoutes,
  ...headContractRoutes,
  ...headContractSovRoutes,
  ...ownerInvoiceRoutes,
  ...ownerPaymentRoutes,
  ...ssovRoutes,
  ...billingPeriodRoutes,
  ...inviteRoutes,
  createInvoice,
  listInvoices,
  getInvoice,
  updateInvoice,
  deleteInvoice,
  ...invoiceWorkflowRoutes,
  getInvoiceHistory,
  ...invoiceFileRoutes,
  ...paymentRoutes,
  ...backupRoutes,
  ...regionalRoutes,
  ...webhookRoutes,
  ...signatureRoutes,
  ...accountingExportRoutes,
] as const satisfies readonly RouteDefinition[];


export type OperationId = (typeof routes)[number]['operationId'];

export function routeFor(operationId: OperationId): RouteDefinition {
  const route = routes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}`);
  return route;
}
