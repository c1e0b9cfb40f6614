/**
 * E-signature of invoices (DOMAIN.md "E-signature"): one signature request per invoice, its
 * signers (the commitment's invoice contacts, in routing order) and the rules of every step,
 * pure. Both providers (the built-in signer, DocuSign) drive these same statuses.
 */
import type { InvoiceStatus } from './invoices';
import { settledStatuses, editableStatuses } from './invoice-rules';
import { localDate } from './billing-periods';

/** The request's status: sent → delivered (a signer opened it) → completed; or declined, voided, expired. */
export const signatureStatuses = ['sent', 'delivered', 'completed', 'declined', 'voided', 'expired'] as const;
export type SignatureStatus = (typeof signatureStatuses)[number];

/** A signer's own status: waiting for an earlier signer, sent (has a link), delivered (opened it), signed, declined. */
export const signerStatuses = ['waiting', 'sent', 'delivered', 'signed', 'declined'] as const;
export type SignerStatus = (typeof signerStatuses)[number];

export const signatureProviders = ['builtin', 'docusign'] as const;

/** What is signed: a subcontractor invoice or an owner invoice (the same flow, the same statuses). */
export const signedDocumentKinds = ['invoice', 'owner_invoice'] as const;
export type SignedDocumentKind = (typeof signedDocumentKinds)[number];
export type SignatureProvider = (typeof signatureProviders)[number];

/** A typed name (drawn in a script font) or a drawn signature (a PNG the signer drew). */
export type SignatureMark = { kind: 'typed'; text: string } | { kind: 'drawn'; imageKey: string };

export interface Signer {
  userId: string;
  name: string;
  email: string;
  /** 1, 2, …: signers sign in this order; the next one gets the link when the previous one signed. */
  routingOrder: number;
  status: SignerStatus;
  sentAt?: string;
  deliveredAt?: string;
  signedAt?: string;
  declinedAt?: string;
  declineReason?: string;
  /** What the audit page shows about the signing request. */
  ip?: string;
  userAgent?: string;
  mark?: SignatureMark;
}

export interface SignatureRequest {
  status: SignatureStatus;
  provider: SignatureProvider;
  /** The invoice version sent: the document signed is that version's PDF. */
  invoiceVersion: number;
  signers: Signer[];
  sentAt: string;
  /** After this instant an unfinished request is expired (a resend starts the clock again). */
  expiresAt: string;
}

/** How long a signing link (and a request that nobody finishes) stays valid. */
export const signingLinkDays = 14;

export const expiryFrom = (now: Date): string => new Date(now.getTime() + signingLinkDays * 24 * 60 * 60 * 1000).toISOString();

/** Statuses in which the request still waits for a signer. */
const openStatuses: readonly SignatureStatus[] = ['sent', 'delivered'];

/** The status as of `now`: an open request past its expiry is expired, whatever is stored. */
export function currentSignatureStatus(request: Pick<SignatureRequest, 'status' | 'expiresAt'>, now: Date): SignatureStatus {
  return openStatuses.includes(request.status) && request.expiresAt <= now.toISOString() ? 'expired' : request.status;
}

/** Statuses that leave the invoice's figures free: the request ended unsigned. */
export const figuresFreeStatuses = ['declined', 'voided'] as const satisfies readonly SignatureStatus[];

/** Whether the request holds the invoice's figures: open (even expired, until voided or resent) or completed. */
export const locksFigures = (status: SignatureStatus | undefined): boolean =>
  status !== undefined && !(figuresFreeStatuses as readonly SignatureStatus[]).includes(status);

/** The signer whose turn it is: the first, in routing order, who has not signed. */
export function currentSigner(signers: readonly Signer[]): Signer | undefined {
  return [...signers].sort((a, b) => a.routingOrder - b.routingOrder).find((signer) => signer.status !== 'signed');
}

/** Why the invoice cannot be sent for signature now (→ 409), or undefined. */
export function sendForSignatureRefusal(input: {
  invoiceStatus: InvoiceStatus;
  existing: SignatureStatus | undefined;
  signerCount: number;
  /** Owner invoices are signed by the head contract's owner contacts, subcontractor invoices by the commitment's invoice contacts. */
  document?: SignedDocumentKind;
}): string | undefined {
  const status = input.invoiceStatus.replace(/_/g, ' ');
  if (input.document === 'owner_invoice') {
    // An owner invoice is signed once it left the contractor's hands: sent to the owner (under review) or answered.
    if ((editableStatuses as readonly InvoiceStatus[]).includes(input.invoiceStatus)) return `Only an owner invoice sent to the owner or approved can be sent for signature; this one is ${status}.`;
  } else if (!(settledStatuses as readonly InvoiceStatus[]).includes(input.invoiceStatus)) {
    return `Only an approved invoice can be sent for signature; this one is ${status}.`;
  }
  if (input.existing === 'completed') return 'The invoice is already signed; void the signature first to send it again.';
  if (input.existing && locksFigures(input.existing)) return `The invoice is already out for signature (${input.existing}); resend or void it instead.`;
  if (input.signerCount === 0) {
    return input.document === 'owner_invoice' ? 'The head contract has no owner contacts to sign the invoice.' : 'The commitment has no invoice contacts to sign the invoice.';
  }
  return undefined;
}

/** Why the request cannot be voided now (→ 409), or undefined: anything not already voided or declined. */
export function voidSignatureRefusal(status: SignatureStatus | undefined): string | undefined {
  if (!status) return 'The invoice was never sent for signature.';
  if (status === 'voided' || status === 'declined') return `The signature request is already ${status}.`;
  return undefined;
}

/** Why the request cannot be resent now (→ 409), or undefined: only an open (or expired) one. */
export function resendSignatureRefusal(status: SignatureStatus | undefined): string | undefined {
  if (!status) return 'The invoice was never sent for signature.';
  if (status === 'completed') return 'The invoice is already signed.';
  if (status === 'voided' || status === 'declined') return `The signature request was ${status}; send the invoice for signature again instead.`;
  return undefined;
}

/** What a signing link names: one signer of one request, until it expires or is used. */
export interface SigningLink {
  signerUserId: string;
  /** The request's `sentAt`: a link of an earlier request (voided, resent) names another. */
  requestSentAt: string;
  expiresAt: string;
  usedAt?: string;
}

/**
 * Why the link cannot be used to sign now, or undefined: 410 when the link itself is spent
 * (used, expired, replaced by a resend), 409 when the request moved on (voided, completed, invoice changed).
 */
export function signingRefusal(input: {
  link: SigningLink;
  request: SignatureRequest;
  invoiceVersion: number;
  now: Date;
}): { status: 409 | 410; detail: string } | undefined {
  const { link, request, now } = input;
  if (link.usedAt) return { status: 410, detail: 'This signing link was already used; each link signs once.' };
  if (link.expiresAt <= now.toISOString()) return { status: 410, detail: 'This signing link expired; ask the sender to resend it.' };
  if (link.requestSentAt !== request.sentAt) return { status: 410, detail: 'This signing link was replaced by a newer one; use the latest email.' };
  const status = currentSignatureStatus(request, now);
  if (status !== 'sent' && status !== 'delivered') return { status: 409, detail: `The signature request is ${status}; nothing is left to sign.` };
  if (currentSigner(request.signers)?.userId !== link.signerUserId) return { status: 409, detail: 'It is not your turn to sign yet, or you already signed.' };
  if (input.invoiceVersion !== request.invoiceVersion) return { status: 409, detail: 'The invoice changed after it was sent for signature; it must be sent again.' };
  return undefined;
}

/** Why the invoice may not move to `to` while its signature request holds its figures (→ 409), or undefined. */
export function signatureLockRefusal(signatureStatus: SignatureStatus | undefined, to: InvoiceStatus): string | undefined {
  if (!locksFigures(signatureStatus) || !(editableStatuses as readonly InvoiceStatus[]).includes(to)) return undefined;
  return signatureStatus === 'completed'
    ? 'The invoice is signed: its figures cannot change. Void the signature first (it is recorded in the history).'
    : 'The invoice is out for signature: its figures cannot change. Void the signature request first.';
}

/** The request after `userId` signed: the next signer is sent a link, or the request is completed. */
export function afterSigning(request: SignatureRequest, userId: string, signed: Pick<Signer, 'mark' | 'ip' | 'userAgent'>, at: string): SignatureRequest {
  const signers = request.signers.map((signer) => (signer.userId === userId ? { ...signer, ...signed, status: 'signed' as const, signedAt: at } : signer));
  const next = currentSigner(signers);
  return {
    ...request,
    status: next ? request.status : 'completed',
    signers: next ? signers.map((signer) => (signer.userId === next.userId ? { ...signer, status: 'sent' as const, sentAt: at } : signer)) : signers,
  };
}

/** The request after its current signer opened the page (the first time). */
export function afterDelivery(request: SignatureRequest, userId: string, at: string): SignatureRequest {
  return {
    ...request,
    status: 'delivered',
    signers: request.signers.map((signer) => (signer.userId === userId && signer.status === 'sent' ? { ...signer, status: 'delivered' as const, deliveredAt: at } : signer)),
  };
}

/** A new request: the first signer in routing order gets the link now, the others wait their turn. */
export function newSignatureRequest(input: {
  provider: SignatureProvider;
  invoiceVersion: number;
  signers: ReadonlyArray<Pick<Signer, 'userId' | 'name' | 'email'>>;
  now: Date;
}): SignatureRequest {
  const at = input.now.toISOString();
  return {
    status: 'sent',
    provider: input.provider,
    invoiceVersion: input.invoiceVersion,
    sentAt: at,
    expiresAt: expiryFrom(input.now),
    signers: input.signers.map((signer, index) => ({
      ...signer,
      routingOrder: index + 1,
      status: index === 0 ? ('sent' as const) : ('waiting' as const),
      ...(index === 0 ? { sentAt: at } : {}),
    })),
  };
}

/** The invoice history's signature steps. */
export const signatureEventTypes = [
  'signature_sent',
  'signature_delivered',
  'signature_signed',
  'signature_completed',
  'signature_declined',
  'signature_voided',
  'signature_resent',
] as const;
export type SignatureEventType = (typeof signatureEventTypes)[number];

const providerNames: Record<SignatureProvider, string> = { builtin: 'built-in e-signature', docusign: 'DocuSign' };

/** How a backup's contents mark a signed invoice: "Signed 2026-12-04 (built-in e-signature)", the day in the project's time zone. */
export function signedMark(signature: { completedAt: string; provider: SignatureProvider }, timeZone: string): string {
  return `Signed ${localDate(new Date(signature.completedAt), timeZone)} (${providerNames[signature.provider]})`;
}

/** What a provider reports of a request it hosts (DocuSign: Connect or GET envelope), in its own words. */
export interface ProviderReport {
  /** The envelope's status: created, sent, delivered, completed, declined, voided. */
  envelopeStatus: string;
  at: string;
  voidedReason?: string;
  /** Per signer, by position in routing order (recipient id "1" is the first signer). */
  signers: ReadonlyArray<{ recipientId: string; status: string; deliveredAt?: string; signedAt?: string; declinedAt?: string; declinedReason?: string }>;
}

const signerRank: Record<SignerStatus, number> = { waiting: 0, sent: 1, delivered: 2, signed: 3, declined: 3 };
const providerSignerStatus: Record<string, SignerStatus> = { sent: 'sent', delivered: 'delivered', signed: 'signed', completed: 'signed', declined: 'declined' };
const finalStatuses: readonly SignatureStatus[] = ['completed', 'declined', 'voided'];

/**
 * The request after a provider's report, and the history step it is, or undefined when the report
 * says nothing new (the same message twice, or an older one arriving late): statuses only move
 * forward, and a request that ended (completed, declined, voided) stays as it ended.
 * DocuSign voids an envelope that expired: that is `expired` here.
 */
export function afterProviderReport(request: SignatureRequest, report: ProviderReport): { request: SignatureRequest; step: SignatureEventType } | undefined {
  if (finalStatuses.includes(request.status)) return undefined;
  const envelope = report.envelopeStatus.toLowerCase();
  let newlySigned = false;
  let newlyDelivered = false;
  const signers = request.signers.map((signer, index) => {
    const reported = report.signers.find((s) => s.recipientId === String(index + 1));
    const status = envelope === 'completed' ? 'signed' : reported ? providerSignerStatus[reported.status.toLowerCase()] : undefined;
    if (!status || signerRank[status] <= signerRank[signer.status]) return signer;
    if (status === 'signed') newlySigned = true;
    if (status === 'delivered') newlyDelivered = true;
    const at = (time: string | undefined) => time ?? report.at;
    return {
      ...signer,
      status,
      ...(status === 'sent' ? { sentAt: at(undefined) } : {}),
      ...(status === 'delivered' ? { deliveredAt: at(reported?.deliveredAt) } : {}),
      ...(status === 'signed' ? { signedAt: at(reported?.signedAt) } : {}),
      ...(status === 'declined' ? { declinedAt: at(reported?.declinedAt), ...(reported?.declinedReason ? { declineReason: reported.declinedReason } : {}) } : {}),
    };
  });
  const ended: Partial<Record<string, [SignatureStatus, SignatureEventType]>> = {
    completed: ['completed', 'signature_completed'],
    declined: ['declined', 'signature_declined'],
    voided: [/expir/i.test(report.voidedReason ?? '') ? 'expired' : 'voided', 'signature_voided'],
  };
  const end = ended[envelope];
  if (end) return { request: { ...request, status: end[0], signers }, step: end[1] };
  const status: SignatureStatus = envelope === 'delivered' || request.status === 'delivered' || newlyDelivered ? 'delivered' : request.status;
  if (newlySigned) return { request: { ...request, status, signers }, step: 'signature_signed' };
  if (newlyDelivered || status !== request.status) return { request: { ...request, status, signers }, step: 'signature_delivered' };
  if (signers.some((signer, index) => signer !== request.signers[index])) return { request: { ...request, status, signers }, step: 'signature_sent' };
  return undefined;
}
