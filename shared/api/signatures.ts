/** The e-signature routes and the bodies they take; signatures.docs.ts documents their answers, signature-views.ts builds one. */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
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
    request: { path: projectPath, body: bulkSignatureBody },
    response: { status: 200 },
  },
  {
    operationId: 'getInvoiceSignature',
    method: 'GET',
    path: signature,
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'voidInvoiceSignature',
    method: 'POST',
    path: `${signature}/void`,
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.bulk_esign',
    request: { path: invoicePath, body: voidSignatureBody },
    response: { status: 200 },
  },
  {
    operationId: 'resendInvoiceSignature',
    method: 'POST',
    path: `${signature}/resend`,
    function: 'signatures',
    auth: 'jwt',
    action: 'invoices.bulk_esign',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'bulkOwnerInvoiceSignature',
    method: 'POST',
    path: '/v1/projects/{projectId}/owner-invoices/bulk-signature',
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.bulk_esign',
    request: { path: projectPath, body: bulkSignatureBody },
    response: { status: 200 },
  },
  {
    operationId: 'getOwnerInvoiceSignature',
    method: 'GET',
    path: ownerSignature,
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.view',
    request: { path: ownerInvoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'voidOwnerInvoiceSignature',
    method: 'POST',
    path: `${ownerSignature}/void`,
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.bulk_esign',
    request: { path: ownerInvoicePath, body: voidSignatureBody },
    response: { status: 200 },
  },
  {
    operationId: 'resendOwnerInvoiceSignature',
    method: 'POST',
    path: `${ownerSignature}/resend`,
    function: 'signatures',
    auth: 'jwt',
    action: 'owner_invoices.bulk_esign',
    request: { path: ownerInvoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'getSigningPage',
    method: 'GET',
    path: '/v1/signing/{token}',
    function: 'signing',
    auth: 'none',
    action: null,
    request: { path: signingPath },
    response: { status: 200, contentType: 'text/html' },
  },
  {
    operationId: 'submitSigning',
    method: 'POST',
    path: '/v1/signing/{token}',
    function: 'signing',
    auth: 'none',
    action: null,
    request: { path: signingPath, body: submitSigningBody },
    response: { status: 200 },
  },
  {
    operationId: 'docusignConnect',
    method: 'POST',
    path: '/v1/integrations/docusign/connect/{projectId}/{invoiceId}',
    function: 'signatures',
    auth: 'none',
    action: null,
    request: { path: invoicePath },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
