/**
 * The layout of the product bucket. Every object of a company lives under its prefix, so a key
 * names its tenant, project and invoice, and IAM or lifecycle rules can be scoped by prefix:
 *
 *   companies/{companyId}/projects/{projectId}/invoices/{invoiceId}/uploads/{attachmentId}/{filename}
 *   companies/{companyId}/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}/{copyId}/{filename}
 *   companies/{companyId}/projects/{projectId}/invoices/{invoiceId}/pdf/{invoiceId}-v{version}.pdf
 *   companies/{companyId}/projects/{projectId}/invoices/{invoiceId}/payment-schedules/{scheduleId}.pdf
 */

export interface InvoiceScope {
  companyId: string;
  projectId: string;
  invoiceId: string;
}

/** Ids are opaque strings: encoded so that none can add a path segment or climb out of its prefix. */
const segment = (id: string): string => {
  if (!id) throw new RangeError('an id in an S3 key must not be empty');
  return encodeURIComponent(id).replace(/\./g, '%2E');
};

/** The prefix of everything stored for one invoice. */
export function invoicePrefix({ companyId, projectId, invoiceId }: InvoiceScope): string {
  return `companies/${segment(companyId)}/projects/${segment(projectId)}/invoices/${segment(invoiceId)}/`;
}

const maxFilenameLength = 120;

/**
 * A filename safe in a key and in a Content-Disposition header: letters, digits, '.', '-' and
 * '_' only (anything else becomes '_'), no leading dots, at most 120 characters with the
 * extension kept. The original name is kept on the record; this only names the object.
 */
export function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  let safe = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents, split off by NFKD: "ñ" → "n"
    .replace(/[^\w.-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._]+/, '');
  if (safe.length > maxFilenameLength) {
    const dot = safe.lastIndexOf('.');
    const extension = dot > 0 && safe.length - dot <= 10 ? safe.slice(dot) : '';
    safe = safe.slice(0, maxFilenameLength - extension.length) + extension;
  }
  return safe || 'file';
}

/**
 * Where an attachment's bytes are uploaded (the presigned PUT's target). The URL stays valid after
 * confirm, so this object can change: nothing reads it but confirm, which copies it away.
 */
export function attachmentUploadKey(scope: InvoiceScope, attachmentId: string, filename: string): string {
  return `${invoicePrefix(scope)}uploads/${segment(attachmentId)}/${safeFilename(filename)}`;
}

/**
 * Where confirm copies an attachment's bytes: written once, never overwritten. `copyId` is unique to
 * each confirm, so two confirms racing cannot overwrite each other's copy (the loser deletes its own).
 */
export function attachmentKey(scope: InvoiceScope, attachmentId: string, copyId: string, filename: string): string {
  return `${invoicePrefix(scope)}attachments/${segment(attachmentId)}/${segment(copyId)}/${safeFilename(filename)}`;
}

/** The rendered PDF of one version of an invoice: a new version renders a new object, an unchanged one reuses it. */
export function invoicePdfKey(scope: InvoiceScope, version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`an invoice version must be a positive integer (got ${version})`);
  return `${invoicePrefix(scope)}pdf/${segment(scope.invoiceId)}-v${version}.pdf`;
}

/** A served payment schedule's PDF: one object per serving (a schedule served again is a new one). */
export function paymentSchedulePdfKey(scope: InvoiceScope, scheduleId: string): string {
  return `${invoicePrefix(scope)}payment-schedules/${segment(scheduleId)}.pdf`;
}

/**
 * A Content-Disposition for a download named `filename`: an ASCII fallback for old clients and
 * the exact name (RFC 5987 `filename*`) for the rest.
 */
export function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const exact = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** The attachment an upload or kept-copy key belongs to (ids decoded), or undefined for any other object. */
export function attachmentOfKey(key: string): { projectId: string; invoiceId: string; attachmentId: string } | undefined {
  const match = /^companies\/[^/]+\/projects\/([^/]+)\/invoices\/([^/]+)\/(?:uploads\/([^/]+)\/[^/]+|attachments\/([^/]+)\/[^/]+\/[^/]+)$/.exec(key);
  if (!match) return undefined;
  const [, projectId, invoiceId, uploadId, copyId] = match;
  try {
    return { projectId: decodeURIComponent(projectId!), invoiceId: decodeURIComponent(invoiceId!), attachmentId: decodeURIComponent((uploadId ?? copyId)!) };
  } catch {
    return undefined; // not a key this product wrote
  }
}

/** A signature request's time as a key segment: "2026-12-04T21:30:00.000Z" → "20261204T213000000Z". */
const instantSegment = (iso: string) => segment(iso.replace(/[-:.]/g, ''));

/** The e-signed PDF of one signature request (its `sentAt`) of an invoice version: written once. */
export function signedInvoicePdfKey(scope: InvoiceScope, version: number, requestSentAt: string): string {
  return `${invoicePrefix(scope)}signed/${segment(scope.invoiceId)}-v${version}-${instantSegment(requestSentAt)}.pdf`;
}

/** A signer's drawn signature (PNG) for one signature request. */
export function signatureMarkKey(scope: InvoiceScope, requestSentAt: string, userId: string): string {
  return `${invoicePrefix(scope)}signatures/${instantSegment(requestSentAt)}/${segment(userId)}.png`;
}
