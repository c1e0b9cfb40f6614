/** The signatures function: e-signature of invoices and owner invoices (bulk send, status, void, resend), DocuSign Connect (the signer's page and submit: functions/http/signing.ts). */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { bulkInvoiceSignature, bulkOwnerInvoiceSignature } from './send';
import { getInvoiceSignature, getOwnerInvoiceSignature, resendInvoiceSignature, resendOwnerInvoiceSignature, voidInvoiceSignature, voidOwnerInvoiceSignature } from './manage';
import { docusignConnect } from './docusign-connect';
import { signatureRoutes } from '../../../shared/api/signatures';

export const handler = httpRouter(
  signatureRoutes,
  { bulkInvoiceSignature, getInvoiceSignature, voidInvoiceSignature, resendInvoiceSignature,
    bulkOwnerInvoiceSignature, getOwnerInvoiceSignature, voidOwnerInvoiceSignature, resendOwnerInvoiceSignature, docusignConnect },
  { idempotency: idempotencyKey },
);
