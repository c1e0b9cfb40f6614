import type { RouteDefinition, RouteDocs } from './route-definition';
import type { OperationId } from './routes';
import { invoiceRouteDocs } from '../api/invoice-requests.docs';
import { invoiceReadDocs } from '../api/invoice-reads.docs';
import { invoiceWorkflowDocs } from '../api/invoice-workflow.docs';
import { signatureDocs } from '../api/signatures.docs';
import { paymentScheduleDocs } from '../api/payment-schedules.docs';
import { retainageRuleDocs } from '../api/retainage-rules.docs';
import { systemDocs } from '../api/system.docs';
import { meDocs } from '../api/me.docs';
import { myWorkDocs } from '../api/my-work.docs';
import { ssovDocs } from '../api/ssov.docs';
import { paymentDocs } from '../api/payments.docs';
import { backupDocs } from '../api/backups.docs';
import { nonPaymentNoticeDocs } from '../api/non-payment-notices.docs';
import { webhookRouteDocs } from '../api/webhooks.docs';
import { accountingExportDocs } from '../api/accounting-exports.docs';
import { invoiceFileDocs } from '../api/invoice-files.docs';
import { headContractSovDocs, sovDocs } from '../api/sov.docs';
import { inviteDocs } from '../api/invites.docs';
import { billingPeriodDocs } from '../api/billing-periods.docs';
import { headContractDocs } from '../api/head-contracts.docs';
import { commitmentDocs } from '../api/commitments.docs';
import { ownerInvoiceDocs } from '../api/owner-invoices.docs';
import { ownerPaymentDocs } from '../api/owner-payments.docs';
import { projectDocs } from '../api/projects.docs';
import { vendorDocs } from '../api/vendors.docs';

/**
 * Every route's documentation (RouteDocs) by operationId, from the areas' documentation modules
 * (shared/api/<area>.docs.ts). Only the OpenAPI document (shared/http/openapi.ts), infra and tests
 * read it: the Lambda handlers import the route lists, never this.
 */
export const routeDocs = {
  ...invoiceRouteDocs,
  ...invoiceReadDocs,
  ...invoiceWorkflowDocs,
  ...signatureDocs,
  ...paymentScheduleDocs,
  ...retainageRuleDocs,
  ...systemDocs,
  ...meDocs,
  ...myWorkDocs,
  ...ssovDocs,
  ...paymentDocs,
  ...backupDocs,
  ...nonPaymentNoticeDocs,
  ...webhookRouteDocs,
  ...accountingExportDocs,
  ...invoiceFileDocs,
  ...sovDocs,
  ...headContractSovDocs,
  ...inviteDocs,
  ...billingPeriodDocs,
  ...headContractDocs,
  ...commitmentDocs,
  ...ownerInvoiceDocs,
  ...ownerPaymentDocs,
  ...projectDocs,
  ...vendorDocs,
} satisfies Record<OperationId, RouteDocs>;

/** A route's documentation, from its area's documentation module. */
export const docsOf = (route: RouteDefinition): RouteDocs => routeDocs[route.operationId as OperationId];
