/** The owner invoice documents function: an owner invoice's PDF (from the renderer, served presigned) and emailing it to the owner. */
import { httpRouter } from '../../shared/http/handler';
import { ownerInvoiceDocumentRoutes } from '../../shared/api/owner-invoice-documents';
import { idempotencyKey } from '../../shared/http/idempotency';
import { emailOwnerInvoice, getOwnerInvoicePdf } from './owner-invoices/pdf-and-email';

export const handler = httpRouter(ownerInvoiceDocumentRoutes, { getOwnerInvoicePdf, emailOwnerInvoice }, { idempotency: idempotencyKey });
