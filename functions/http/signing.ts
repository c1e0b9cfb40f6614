/**
 * The signing function: the built-in signer's own page and submit, reached without an account through a one-time
 * link (/v1/signing/{token}). Public, so a function apart from the administrators' signature management
 * (functions/http/signatures): it holds only the grants a signer's step needs.
 */
import { httpRouter } from '../../shared/http/handler';
import { signatureRoutes } from '../../shared/api/signatures';
import { idempotencyKey } from '../../shared/http/idempotency';
import { getSigningPage, submitSigning } from './signatures/signing';

export const handler = httpRouter(signatureRoutes, { getSigningPage, submitSigning }, { idempotency: idempotencyKey });
