/** The owner invoices function: create, list, read, line entry, pre-fill from the period's costs, status and history, delete, summary preview, G703 CSV, PDF and email (payments received: functions/http/owner-payments.ts). */
import { httpRouter } from '../../../shared/http/handler';
import { ownerInvoiceRoutes } from '../../../shared/api/owner-invoices';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createOwnerInvoice } from './create-owner-invoice';
import { getOwnerInvoice, getOwnerInvoiceHistory, listOwnerInvoices } from './read-owner-invoices';
import { updateOwnerInvoice } from './update-owner-invoice';
import { deleteOwnerInvoice } from './delete-owner-invoice';
import { changeOwnerInvoiceStatus } from './change-status';
import { prefillOwnerInvoice } from './prefill';
import { exportOwnerInvoiceCsv, previewOwnerInvoiceSummary } from './preview-and-export';
import { emailOwnerInvoice, getOwnerInvoicePdf } from './pdf-and-email';

export const handler = httpRouter(
  ownerInvoiceRoutes,
  { createOwnerInvoice, listOwnerInvoices, getOwnerInvoice, updateOwnerInvoice, deleteOwnerInvoice, changeOwnerInvoiceStatus, prefillOwnerInvoice, getOwnerInvoiceHistory, previewOwnerInvoiceSummary, exportOwnerInvoiceCsv, getOwnerInvoicePdf, emailOwnerInvoice },
  { idempotency: idempotencyKey },
);
