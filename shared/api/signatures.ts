import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { signatureProviders, signatureStatuses, signedDocumentKinds, signerStatuses, type SignatureStatus } from '../domain/signatures';
import type { InvoiceSignatureItem } from '../db/entities/signature';
import { invoicePath, ownerInvoicePath, projectPath } from './common';

const reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(1000));

export const bulkSignatureBody = z.withMeta(
  z.strictObject({
    invoiceIds: z.withMeta(
      z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(
        z.minLength(1),
        z.maxLength(100),
        z.refine((ids) => new Set(ids).size === ids.length, { message: 'Each invoice may be listed once.' }),
      ),
      {
        description:
          'Approved invoices to send for signature: to their commitments’ invoice contacts (owner invoices: their head contracts’ owner contacts), in the order listed there',
      },
    ),
  }),
  { id: 'BulkSignature' },
);

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

/** The signature request as answered (status as of `now`). */
export function toSignatureResponse(item: InvoiceSignatureItem, status: SignatureStatus): z.infer<typeof signatureResponse> {
  return {
    invoiceId: item.invoiceId,
    document: item.document ?? 'invoice',
    status,
    provider: item.provider,
    invoiceVersion: item.invoiceVersion,
    sentAt: item.sentAt,
    expiresAt: item.expiresAt,
    completedAt: item.completedAt ?? null,
    voidedAt: item.voidedAt ?? null,
    voidReason: item.voidReason ?? null,
    documentSha256: item.documentSha256 ?? null,
    signed: Boolean(item.signedPdfKey) && status === 'completed',
    signers: item.signers.map((s) => ({
      userId: s.userId,
      name: s.name,
      email: s.email,
      routingOrder: s.routingOrder,
      status: s.status,
      sentAt: s.sentAt ?? null,
      deliveredAt: s.deliveredAt ?? null,
      signedAt: s.signedAt ?? null,
      declinedAt: s.declinedAt ?? null,
      declineReason: s.declineReason ?? null,
    })),
  };
}

export const voidSignatureBody = z.withMeta(
  z.strictObject({ reason: z.withMeta(z.optional(reason), { description: 'Recorded in the history and emailed to the signers' }) }),
  { id: 'VoidSignature' },
);

export const signingPath = z.object({
  token: z.withMeta(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)), {
    description: 'The one-time token of a signing link (from the signer’s email)',
    example: 'q3Jx2m8b1K9fQ0pZ7wV4tR6yU5sH3gD2cA1eN0oL9iM',
  }),
});

export const submitSigningBody = z.withMeta(
  z.discriminatedUnion('action', [
    z.strictObject({
      action: z.literal('sign'),
      consent: z.withMeta(z.literal(true), { description: 'The signer agrees to sign electronically' }),
      signature: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('typed'), text: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)) }),
        z.strictObject({
          kind: z.literal('drawn'),
          png: z.withMeta(z.string().check(z.maxLength(400_000), z.regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/)), {
            description: 'The drawn signature as a PNG data URL',
            example: 'data:image/png;base64,iVBORw0KGgo=',
          }),
        }),
      ]),
    }),
    z.strictObject({ action: z.literal('decline'), reason: reason }),
  ]),
  { id: 'SubmitSigning' },
);

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

const signature = '/v1/projects/{projectId}/invoices/{invoiceId}/signature';
const ownerSignature = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/signature';

export const signatureRoutes = [
  {
    operationId: 'bulkInvoiceSignature',
    method: 'POST',
    path: '/v1/projects/{projectId}/invoices/bulk-signature',
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.bulk_esign',
    summary: 'Send up to 100 approved invoices for e-signature (built-in signer); each is sent on its own and answered on its own',
    tags: ['e-signature'],
    request: { path: projectPath, body: bulkSignatureBody },
    response: { status: 200, description: 'One result per invoice', schema: bulkSignatureResponse },
  },
  {
    operationId: 'getInvoiceSignature',
    method: 'GET',
    path: signature,
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The invoice’s signature request: its status and each signer’s',
    tags: ['e-signature'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The signature request', schema: signatureResponse },
  },
  {
    operationId: 'voidInvoiceSignature',
    method: 'POST',
    path: `${signature}/void`,
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.bulk_esign',
    summary: 'Void the signature request (or the completed signature): the invoice can change again, and its PDF is the unsigned one',
    tags: ['e-signature'],
    request: { path: invoicePath, body: voidSignatureBody },
    response: { status: 200, description: 'The voided request', schema: signatureResponse },
  },
  {
    operationId: 'resendInvoiceSignature',
    method: 'POST',
    path: `${signature}/resend`,
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.bulk_esign',
    summary: 'Send the current signer a new link (earlier links stop working); an expired request is open again',
    tags: ['e-signature'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The request with its new expiry', schema: signatureResponse },
  },
  {
    operationId: 'bulkOwnerInvoiceSignature',
    method: 'POST',
    path: '/v1/projects/{projectId}/owner-invoices/bulk-signature',
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.bulk_esign',
    summary: 'Send up to 100 approved owner invoices for e-signature by their head contracts’ owner contacts (built-in signer); each answered on its own',
    tags: ['e-signature'],
    request: { path: projectPath, body: bulkSignatureBody },
    response: { status: 200, description: 'One result per owner invoice', schema: bulkSignatureResponse },
  },
  {
    operationId: 'getOwnerInvoiceSignature',
    method: 'GET',
    path: ownerSignature,
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'The owner invoice’s signature request: its status and each signer’s',
    tags: ['e-signature'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The signature request', schema: signatureResponse },
  },
  {
    operationId: 'voidOwnerInvoiceSignature',
    method: 'POST',
    path: `${ownerSignature}/void`,
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.bulk_esign',
    summary: 'Void the owner invoice’s signature request (or its completed signature): it can change again, and its PDF is the unsigned one',
    tags: ['e-signature'],
    request: { path: ownerInvoicePath, body: voidSignatureBody },
    response: { status: 200, description: 'The voided request', schema: signatureResponse },
  },
  {
    operationId: 'resendOwnerInvoiceSignature',
    method: 'POST',
    path: `${ownerSignature}/resend`,
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.bulk_esign',
    summary: 'Send the owner invoice’s current signer a new link (earlier links stop working)',
    tags: ['e-signature'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The request with its new expiry', schema: signatureResponse },
  },
  {
    operationId: 'getSigningPage',
    method: 'GET',
    path: '/v1/signing/{token}',
    function: 'signing',
    auth: 'none',
    action: null,
    summary: 'The signing page of a one-time link: the invoice PDF and a typed or drawn signature',
    tags: ['e-signature'],
    request: { path: signingPath },
    response: { status: 200, description: 'HTML page (410 when the link is used or expired)', contentType: 'text/html' },
  },
  {
    operationId: 'submitSigning',
    method: 'POST',
    path: '/v1/signing/{token}',
    function: 'signing',
    auth: 'none',
    action: null,
    summary: 'Sign (or decline) through a one-time link: the link is then spent',
    tags: ['e-signature'],
    request: { path: signingPath, body: submitSigningBody },
    response: { status: 200, description: 'The request’s status after this step', schema: signingResult },
  },
  {
    operationId: 'docusignConnect',
    method: 'POST',
    path: '/v1/integrations/docusign/connect/{projectId}/{invoiceId}',
    function: 'signatures',
    auth: 'none',
    action: null,
    summary:
      'DocuSign Connect (JSON, SIM) for an invoice’s envelope: the raw body must carry an X-DocuSign-Signature-N header that is its HMAC-SHA256 under one of the company’s Connect keys (else 401); applied once',
    tags: ['e-signature'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The request after the message', schema: docusignConnectResult },
  },
] as const satisfies readonly RouteDefinition[];
