/**
 * The owner invoices function: create, line entry, pre-fill from the period's costs, summary preview, delete — the
 * routes that compute the G702/G703 figures (reads: ../owner-invoice-reads.ts; status: ../owner-invoice-workflow.ts;
 * PDF and email: ../owner-invoice-documents.ts; payments received: ../owner-payments.ts).
 */
import { httpRouter } from '../../../shared/http/handler';
import { ownerInvoiceDraftRoutes } from '../../../shared/api/owner-invoice-drafts';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createOwnerInvoice } from './create-owner-invoice';
import { updateOwnerInvoice } from './update-owner-invoice';
import { deleteOwnerInvoice } from './delete-owner-invoice';
import { prefillOwnerInvoice } from './prefill';
import { previewOwnerInvoiceSummary } from './preview-and-export';

export const handler = httpRouter(
  ownerInvoiceDraftRoutes,
  { createOwnerInvoice, updateOwnerInvoice, deleteOwnerInvoice, prefillOwnerInvoice, previewOwnerInvoiceSummary },
  { idempotency: idempotencyKey },
);
