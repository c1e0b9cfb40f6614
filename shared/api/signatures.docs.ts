/** The e-signature routes' documentation (OpenAPI only: no handler imports it) and their answers' schemas. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import { signatureProviders, signatureStatuses, signedDocumentKinds, signerStatuses } from '../domain/signatures';
import type { signatureRoutes } from './signatures';

export const bulkSignatureResult = z.withMeta(
  z.discriminatedUnion('ok', [
    z.object({ invoiceId: z.string(), ok: z.literal(true), status: z.literal('sent'), signers: z.number().check(z.int(), z.minimum(1)) }),
    z.object({
      invoiceId: z.string(),
      ok: z.literal(false),
      status: z.withMeta(z.union([z.literal(404), z.literal(409)]), { description: 'What sending this invoice alone would have answered' }),
      detail: z.string(),
    }),
  ]),
  { id: 'BulkSignatureResult' },
);
export type BulkSignatureResult = z.infer<typeof bulkSignatureResult>;

export const bulkSignatureResponse = z.withMeta(
  z.object({ results: z.withMeta(z.array(bulkSignatureResult), { description: 'One per invoice id, in request order' }) }),
  { id: 'BulkSignatureResponse' },
);

export const signatureResponse = z.withMeta(
  z.object({
    invoiceId: z.string(),
    status: z.withMeta(z.enum(signatureStatuses), { description: 'As of now: an unfinished request past its expiry is `expired`' }),
    provider: z.enum(signatureProviders),
    invoiceVersion: z.withMeta(z.number().check(z.int()), { description: 'The invoice version sent: the document signed is that version’s PDF' }),
    sentAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    completedAt: z.nullable(z.iso.datetime()),
    voidedAt: z.nullable(z.iso.datetime()),
    voidReason: z.nullable(z.string()),
    document: z.withMeta(z.enum(signedDocumentKinds), {
      description: 'What is signed: a subcontractor invoice or an owner invoice (`invoiceId` is then the owner invoice’s id)',
    }),
    documentSha256: z.withMeta(z.nullable(z.string()), { description: 'SHA-256 (hex) of the document as sent, once completed' }),
    signed: z.withMeta(z.boolean(), { description: 'The signed PDF is what GET …/pdf, forwarding and backups use' }),
    signers: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        email: z.string(),
        routingOrder: z.number().check(z.int()),
        status: z.enum(signerStatuses),
        sentAt: z.nullable(z.iso.datetime()),
        deliveredAt: z.nullable(z.iso.datetime()),
        signedAt: z.nullable(z.iso.datetime()),
        declinedAt: z.nullable(z.iso.datetime()),
        declineReason: z.nullable(z.string()),
      }),
    ),
  }),
  { id: 'InvoiceSignature' },
);
export type SignatureResponse = z.infer<typeof signatureResponse>;

export const signingResult = z.withMeta(
  z.object({
    status: z.withMeta(z.enum(signatureStatuses), { description: 'The request’s status after this step: `completed` once the last signer signed' }),
    signerStatus: z.enum(signerStatuses),
  }),
  { id: 'SigningResult' },
);

export const docusignConnectResult = z.withMeta(
  z.object({
    applied: z.withMeta(z.boolean(), { description: 'Whether the message changed the request (false for a message already applied, or an older one)' }),
    status: z.withMeta(z.nullable(z.enum(signatureStatuses)), { description: 'The request’s status after the message' }),
  }),
  { id: 'DocusignConnectResult' },
);

export const signatureDocs = {
  bulkInvoiceSignature: {
    summary: 'Send up to 100 approved invoices for e-signature (built-in signer); each is sent on its own and answered on its own',
    tags: ['e-signature'],
    response: { description: 'One result per invoice', schema: bulkSignatureResponse },
  },
  getInvoiceSignature: {
    summary: 'The invoice’s signature request: its status and each signer’s',
    tags: ['e-signature'],
    response: { description: 'The signature request', schema: signatureResponse },
  },
  voidInvoiceSignature: {
    summary: 'Void the signature request (or the completed signature): the invoice can change again, and its PDF is the unsigned one',
    tags: ['e-signature'],
    response: { description: 'The voided request', schema: signatureResponse },
  },
  resendInvoiceSignature: {
    summary: 'Send the current signer a new link (earlier links stop working); an expired request is open again',
    tags: ['e-signature'],
    response: { description: 'The request with its new expiry', schema: signatureResponse },
  },
  bulkOwnerInvoiceSignature: {
    summary: 'Send up to 100 approved owner invoices for e-signature by their head contracts’ owner contacts (built-in signer); each answered on its own',
    tags: ['e-signature'],
    response: { description: 'One result per owner invoice', schema: bulkSignatureResponse },
  },
  getOwnerInvoiceSignature: {
    summary: 'The owner invoice’s signature request: its status and each signer’s',
    tags: ['e-signature'],
    response: { description: 'The signature request', schema: signatureResponse },
  },
  voidOwnerInvoiceSignature: {
    summary: 'Void the owner invoice’s signature request (or its completed signature): it can change again, and its PDF is the unsigned one',
    tags: ['e-signature'],
    response: { description: 'The voided request', schema: signatureResponse },
  },
  resendOwnerInvoiceSignature: {
    summary: 'Send the owner invoice’s current signer a new link (earlier links stop working)',
    tags: ['e-signature'],
    response: { description: 'The request with its new expiry', schema: signatureResponse },
  },
  getSigningPage: {
    summary: 'The signing page of a one-time link: the invoice PDF and a typed or drawn signature',
    tags: ['e-signature'],
    response: { description: 'HTML page (410 when the link is used or expired)' },
  },
  submitSigning: {
    summary: 'Sign (or decline) through a one-time link: the link is then spent',
    tags: ['e-signature'],
    response: { description: 'The request’s status after this step', schema: signingResult },
  },
  docusignConnect: {
    summary: 'DocuSign Connect (JSON, SIM) for an invoice’s envelope: the raw body must carry an X-DocuSign-Signature-N header that is its HMAC-SHA256 under one of the company’s Connect keys (else 401); applied once',
    tags: ['e-signature'],
    response: { description: 'The request after the message', schema: docusignConnectResult },
  },
} satisfies Record<OperationIdOf<typeof signatureRoutes>, RouteDocs>;
