/**
 * DocuSign, the pure parts: the company's account settings, the envelope an invoice is sent as
 * (eSignature REST API v2.1 `envelopeDefinition`), and Connect: the HMAC check of a message and
 * its JSON payload. No network here: shared/signature/docusign-client.ts calls DocuSign (through
 * the official `docusign-esign` client) and lives only in the functions/events/docusign-envelopes.ts
 * consumer, so no HTTP function bundles it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../zod';
import { signingLinkDays, type Signer } from '../domain/signatures';

/** A company's DocuSign account (its RSA key and Connect HMAC keys are secrets: shared/signature/docusign-secrets.ts). */
export interface DocusignAccount {
  /** The API account id (GUID) the envelopes are created in. */
  accountId: string;
  /** The account's REST base path, e.g. https://demo.docusign.net/restapi (from the userinfo endpoint's base_uri + /restapi). */
  basePath: string;
  /** The OAuth host: account-d.docusign.com (developer) or account.docusign.com (production). */
  oauthBasePath: string;
  /** The app's integration key (OAuth client id). */
  integrationKey: string;
  /** The user (GUID) the app acts as; that user granted consent to the `signature impersonation` scopes. */
  userId: string;
  /** A general contractor's signer after the invoice contacts (the "Architect / Owner" box), if the company wants one. */
  gcSigner?: { name: string; email: string };
}

/** The company's GC signer is kept among the request's signers under this id prefix (`gc:<email>`); it signs the certifier's box. */
export const gcSignerPrefix = 'gc:';

/** The text the G702 renderer prints under each signature box (shared/pdf/invoice-pdf.ts): the tabs are anchored on it. */
export const contractorAnchor = 'Signature (Contractor)';
export const certifierAnchor = 'Signature (Architect / Owner)';

/** The envelope's custom field naming our request, so a retried send finds the envelope it already made. */
export const requestFieldName = 'progressClaimsRequest';
export const requestKeyOf = (invoiceId: string, sentAt: string) => `${invoiceId}@${sentAt}`;

export interface EnvelopeInput {
  invoiceId: string;
  projectId: string;
  /** The request's `sentAt`: the envelope is made once per request. */
  sentAt: string;
  documentName: string;
  projectName: string;
  pdf: Uint8Array;
  /** The invoice contacts in routing order, then the GC signer (if any). */
  signers: ReadonlyArray<Pick<Signer, 'name' | 'email' | 'routingOrder'> & { role: 'contractor' | 'certifier' }>;
  /** Where DocuSign posts this envelope's Connect messages. */
  connectUrl: string;
}

/**
 * One envelope per invoice, sent at once: its PDF as document 1, one signer per contact in
 * routing order with a sign-here tab in the G702's contractor signature box (side by side when
 * several sign) and a date-signed tab under it; the GC signer signs the certifier's box. Connect
 * posts the envelope's and recipients' events to `connectUrl`, signed with the account's HMAC keys.
 */
export function envelopeDefinition(input: EnvelopeInput) {
  let contractorIndex = 0;
  return {
    emailSubject: `Please sign: ${input.documentName}`.slice(0, 100),
    emailBlurb: `${input.projectName}: progress claim ${input.documentName} for your signature.`,
    status: 'sent',
    documents: [{ documentId: '1', name: `${input.documentName}.pdf`, fileExtension: 'pdf', documentBase64: Buffer.from(input.pdf).toString('base64') }],
    recipients: {
      signers: input.signers.map((signer, index) => {
        // Several contacts sign the one contractor box: each a little to the right of the one before.
        const slot = signer.role === 'contractor' ? contractorIndex++ : 0;
        const anchor = signer.role === 'contractor' ? contractorAnchor : certifierAnchor;
        return {
          recipientId: String(index + 1),
          routingOrder: String(signer.routingOrder),
          name: signer.name,
          email: signer.email,
          tabs: {
            signHereTabs: [{ anchorString: anchor, anchorUnits: 'pixels', anchorXOffset: String(slot * 80), anchorYOffset: '-14', anchorIgnoreIfNotPresent: 'false', anchorMatchWholeWord: 'true' }],
            dateSignedTabs: [{ anchorString: anchor, anchorUnits: 'pixels', anchorXOffset: String(slot * 80), anchorYOffset: '12', anchorIgnoreIfNotPresent: 'false', anchorMatchWholeWord: 'true' }],
          },
        };
      }),
    },
    // DocuSign ends the envelope when our request expires (signingLinkDays), warning the signer 3 days before.
    notification: { useAccountDefaults: 'false', expirations: { expireEnabled: 'true', expireAfter: String(signingLinkDays), expireWarn: '3' } },
    customFields: { textCustomFields: [{ name: requestFieldName, value: requestKeyOf(input.invoiceId, input.sentAt), show: 'false', required: 'false' }] },
    eventNotification: {
      url: input.connectUrl,
      requireAcknowledgment: 'true',
      includeHMAC: 'true',
      loggingEnabled: 'true',
      deliveryMode: 'SIM',
      events: ['envelope-sent', 'envelope-delivered', 'envelope-completed', 'envelope-declined', 'envelope-voided', 'recipient-completed', 'recipient-delivered', 'recipient-declined'],
      eventData: { version: 'restv2.1', format: 'json', includeData: ['recipients', 'custom_fields'] },
    },
  };
}
export type EnvelopeDefinition = ReturnType<typeof envelopeDefinition>;

/** Where Connect posts an invoice's messages: the company's route, naming the invoice. */
export const connectUrlOf = (apiBaseUrl: string, projectId: string, invoiceId: string) =>
  `${apiBaseUrl.replace(/\/+$/, '')}/v1/integrations/docusign/connect/${encodeURIComponent(projectId)}/${encodeURIComponent(invoiceId)}`;

/**
 * Whether a Connect message is DocuSign's: one of its `X-DocuSign-Signature-1..n` headers (one per
 * active HMAC key of the account) is the base64 HMAC-SHA256 of the raw body under one of the
 * company's keys. Compared in constant time.
 */
export function connectSignatureValid(rawBody: string | Buffer, headers: Record<string, string | undefined>, keys: readonly string[]): boolean {
  const given = Object.entries(headers)
    .filter(([name, value]) => /^x-docusign-signature-\d+$/i.test(name) && value)
    .map(([, value]) => Buffer.from(value!, 'base64'));
  if (given.length === 0 || keys.length === 0) return false;
  let valid = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(rawBody).digest();
    for (const signature of given) {
      // Every pair is compared (no early exit), so timing says nothing about which key matched.
      if (signature.length === expected.length && timingSafeEqual(signature, expected)) valid = true;
    }
  }
  return valid;
}

const connectSigner = z.looseObject({
  recipientId: z.string(),
  email: z.optional(z.string()),
  name: z.optional(z.string()),
  routingOrder: z.optional(z.string()),
  status: z.string(),
  sentDateTime: z.optional(z.string()),
  deliveredDateTime: z.optional(z.string()),
  signedDateTime: z.optional(z.string()),
  declinedDateTime: z.optional(z.string()),
  declinedReason: z.optional(z.string()),
});

/** A Connect message (JSON, SIM delivery mode, `restv2.1` data): what this product reads of it. */
export const connectMessage = z.looseObject({
  event: z.string().check(z.minLength(1)),
  generatedDateTime: z.optional(z.string()),
  data: z.looseObject({
    accountId: z.optional(z.string()),
    envelopeId: z.string().check(z.minLength(1)),
    recipientId: z.optional(z.string()),
    envelopeSummary: z.optional(
      z.looseObject({
        status: z.string(),
        statusChangedDateTime: z.optional(z.string()),
        completedDateTime: z.optional(z.string()),
        voidedDateTime: z.optional(z.string()),
        voidedReason: z.optional(z.string()),
        recipients: z.optional(z.looseObject({ signers: z.optional(z.array(connectSigner)) })),
      }),
    ),
  }),
});
export type ConnectMessage = z.infer<typeof connectMessage>;

/** DocuSign's envelope and recipient statuses, as this product reads them (from Connect or GET envelope). */
export interface EnvelopeReport {
  envelopeStatus: string;
  at: string;
  voidedReason?: string;
  signers: Array<{ recipientId: string; status: string; deliveredAt?: string; signedAt?: string; declinedAt?: string; declinedReason?: string }>;
}

/** The report a Connect message carries (its envelope summary), or one inferred from the event alone. */
export function reportOfConnect(message: ConnectMessage, now: Date): EnvelopeReport {
  const summary = message.data.envelopeSummary;
  const eventStatus = /^envelope-(.+)$/.exec(message.event)?.[1];
  return {
    envelopeStatus: summary?.status ?? eventStatus ?? 'sent',
    at: summary?.statusChangedDateTime ?? message.generatedDateTime ?? now.toISOString(),
    ...(summary?.voidedReason ? { voidedReason: summary.voidedReason } : {}),
    signers: (summary?.recipients?.signers ?? []).map((signer) => ({
      recipientId: signer.recipientId,
      status: signer.status,
      ...(signer.deliveredDateTime ? { deliveredAt: signer.deliveredDateTime } : {}),
      ...(signer.signedDateTime ? { signedAt: signer.signedDateTime } : {}),
      ...(signer.declinedDateTime ? { declinedAt: signer.declinedDateTime } : {}),
      ...(signer.declinedReason ? { declinedReason: signer.declinedReason } : {}),
    })),
  };
}
