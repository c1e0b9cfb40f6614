/** The signatures function: e-signature of invoices (bulk send, status, void, resend) and the built-in signer's page and submit. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { bulkInvoiceSignature } from './send';
import { getInvoiceSignature, resendInvoiceSignature, voidInvoiceSignature } from './manage';
import { getSigningPage, submitSigning } from './signing';
import { signatureRoutes } from '../../../shared/api/signatures';

export const handler = httpRouter(signatureRoutes, 
  { bulkInvoiceSignature, getInvoiceSignature, voidInvoiceSignature, resendInvoiceSignature, getSigningPage, submitSigning },
  { idempotency: idempotencyKey },
);
