/** The invoiceFiles function: an invoice's attachments (presigned S3 upload and download), its PDF, and forwarding it by email. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createAttachment } from './create-attachment';
import { confirmAttachment } from './confirm-attachment';
import { getAttachment, listAttachments } from './read-attachments';
import { deleteAttachment } from './delete-attachment';
import { getInvoicePdf } from './invoice-pdf';
import { forwardInvoice } from './forward-invoice';
import { invoiceFileRoutes } from '../../../shared/api/invoice-files';

export const handler = httpRouter(invoiceFileRoutes, 
  { createAttachment, confirmAttachment, listAttachments, getAttachment, deleteAttachment, getInvoicePdf, forwardInvoice },
  { idempotency: idempotencyKey },
);
